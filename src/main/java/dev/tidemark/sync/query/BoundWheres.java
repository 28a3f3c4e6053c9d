package dev.tidemark.sync.query;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.spi.Bean;

import org.eclipse.microprofile.graphql.GraphQLApi;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.Query;

import dev.tidemark.sync.where.SyncedWhere;
import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.DataFetchingEnvironmentImpl;
import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLCodeRegistry;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import io.quarkus.arc.Arc;

/**
 * Hands a list query's {@code where} argument to SmallRye's data fetcher as the where-input object
 * its method takes, bound from graphql-java's coerced value, so that SmallRye does not write that
 * value as JSON and bind it back with JSON-B (its way for an input object given as a map, a
 * measurable share of a one-row lookup). SmallRye passes an argument that is already of the
 * parameter's class as it is; its data fetcher, context, errors and events are otherwise untouched.
 *
 * <p>Only values that need no conversion are bound: strings, booleans and longs that graphql-java
 * already gave as such, lists of them, and nested input objects (where-inputs, filters, relation
 * wheres) made of the same. Anything else (a date-time, which SmallRye parses with its own rules and
 * errors, a number of another class, a field the class lacks) leaves the whole argument to SmallRye.
 */
public final class BoundWheres {

    static final String ARGUMENT = "where";

    private static volatile boolean enabled = true;

    private static final LongAdder BOUND = new LongAdder();

    private static final ClassValue<Map<String, Field>> FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, Field> computeValue(Class<?> type) {
            Map<String, Field> fields = new HashMap<>();
            for (Field field : type.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    fields.put(field.getName(), field);
                }
            }
            return fields;
        }
    };

    private BoundWheres() {
    }

    /** Turns binding on or off for the whole process ({@code tidemark.query.bound-where} at start; the benchmarks' A/B). */
    public static void enable(boolean on) {
        enabled = on;
    }

    /** Where arguments bound here since the process started (tests read it). */
    static long boundWheres() {
        return BOUND.sum();
    }

    /**
     * Puts the binding in front of the data fetcher of every query field whose {@code where} argument
     * is the where-input of a GraphQL API class's query method (by its GraphQL input name).
     */
    static void wrapQueries(GraphQLSchema schema, GraphQLCodeRegistry.Builder code) {
        Map<String, Class<?>> wheres = whereInputs();
        GraphQLObjectType query = schema.getQueryType();
        for (GraphQLFieldDefinition field : query == null ? List.<GraphQLFieldDefinition>of() : query.getFieldDefinitions()) {
            GraphQLArgument argument = field.getArgument(ARGUMENT);
            Class<?> where = argument == null ? null : wheres.get(GraphQLTypeUtil.unwrapAll(argument.getType()).getName());
            if (where != null) {
                FieldCoordinates coordinates = FieldCoordinates.coordinates(query, field);
                code.dataFetcher(coordinates, around(schema.getCodeRegistry().getDataFetcher(coordinates, field), where));
            }
        }
    }

    /**
     * The where-input classes the query methods of the GraphQL API classes take, by GraphQL input name
     * (found by annotation, not through the api package's table API base class: api depends on query).
     */
    private static Map<String, Class<?>> whereInputs() {
        Map<String, Class<?>> wheres = new HashMap<>();
        for (Bean<?> bean : Arc.container().beanManager().getBeans(Object.class, Any.Literal.INSTANCE)) {
            if (!bean.getBeanClass().isAnnotationPresent(GraphQLApi.class)) {
                continue;
            }
            for (Method method : bean.getBeanClass().getMethods()) {
                if (!method.isAnnotationPresent(Query.class)) {
                    continue;
                }
                for (Class<?> parameter : method.getParameterTypes()) {
                    Input input = parameter.getAnnotation(Input.class);
                    if (input != null && SyncedWhere.class.isAssignableFrom(parameter)) {
                        wheres.put(input.value().isEmpty() ? parameter.getSimpleName() : input.value(), parameter);
                    }
                }
            }
        }
        return wheres;
    }

    /** {@code declared} (SmallRye's data fetcher of a field taking a {@code where} of {@code whereClass}), binding that argument first. */
    static DataFetcher<Object> around(DataFetcher<?> declared, Class<?> whereClass) {
        return environment -> declared.get(bound(environment, whereClass));
    }

    private static DataFetchingEnvironment bound(DataFetchingEnvironment environment, Class<?> whereClass) {
        if (!enabled || !(environment.getArgument(ARGUMENT) instanceof Map<?, ?> value)) {
            return environment;
        }
        Object where = bind(whereClass, value);
        if (where == null) {
            return environment;
        }
        Map<String, Object> arguments = new HashMap<>(environment.getArguments());
        arguments.put(ARGUMENT, where);
        BOUND.increment();
        return DataFetchingEnvironmentImpl.newDataFetchingEnvironment(environment).arguments(arguments).build();
    }

    /** An instance of the input class {@code type} holding {@code values}, or null when one of them would need a conversion. */
    static Object bind(Class<?> type, Map<?, ?> values) {
        try {
            Object target = type.getConstructor().newInstance();
            Map<String, Field> fields = FIELDS.get(type);
            for (Map.Entry<?, ?> entry : values.entrySet()) {
                Field field = fields.get(String.valueOf(entry.getKey()));
                if (field == null) {
                    return null;
                }
                if (entry.getValue() != null) {
                    Object value = value(field.getGenericType(), entry.getValue());
                    if (value == null) {
                        return null;
                    }
                    field.set(target, value);
                }
            }
            return target;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // SmallRye's own binding decides, and reports
        }
    }

    /** {@code value} as a value of {@code type}, or null when it would need a conversion. */
    private static Object value(Type type, Object value) {
        if (type == String.class || type == Boolean.class || type == Long.class) {
            return value.getClass() == type ? value : null;
        }
        if (type instanceof ParameterizedType list && list.getRawType() == List.class && value instanceof List<?> items) {
            Type element = list.getActualTypeArguments()[0];
            List<Object> bound = new ArrayList<>(items.size());
            for (Object item : items) {
                Object one = item == null ? null : value(element, item);
                if (item != null && one == null) {
                    return null;
                }
                bound.add(one);
            }
            return bound;
        }
        if (type instanceof Class<?> input && input.isAnnotationPresent(Input.class) && value instanceof Map<?, ?> map) {
            return bind(input, map);
        }
        return null;
    }
}
