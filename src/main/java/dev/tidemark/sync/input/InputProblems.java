package dev.tidemark.sync.input;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import graphql.GraphQLContext;
import graphql.execution.TypeFromAST;
import graphql.language.Argument;
import graphql.language.Directive;
import graphql.language.DirectivesContainer;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.Node;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.SourceLocation;
import graphql.language.TypeName;
import graphql.language.Value;
import graphql.language.VariableDefinition;
import graphql.language.VariableReference;
import graphql.schema.GraphQLArgument;
import graphql.schema.GraphQLDirective;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLInputType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

/**
 * Finds the input values of an operation that graphql-java's input coercion refuses, each with the
 * path a client recognises ({@code where.createdAt.gt}, {@code input.users[0].changes[1].baseVersion};
 * a variable's problems are reported at the argument that uses it) and a sentence.
 *
 * <p>graphql-java's own errors name at best the argument and echo the value as its AST (the whole
 * argument when a field is missing or unknown), and for variables give no path at all. This walks
 * every argument of the operation (fields and directives, fragments included) and every variable
 * with the argument types, applying the same rules ({@link InputValues}); it runs only to explain
 * an error, on a document already parsed once.
 */
final class InputProblems {

    /**
     * One refused value.
     *
     * @param anchor where graphql-java reports it: the argument (literal) or the variable definition
     * @param path the input path, from the argument's name
     * @param sentence what is wrong, without the rest of the input
     */
    record Problem(SourceLocation anchor, String path, String sentence) {
    }

    private final GraphQLSchema schema;
    private final Map<String, FragmentDefinition> fragments = new HashMap<>();
    private final Map<String, VariableDefinition> variables = new HashMap<>();
    private final Map<String, Object> rawVariables;
    private final InputValues values;
    private final Set<String> visitedFragments = new HashSet<>();
    private final Set<String> checkedVariables = new HashSet<>();
    private final Map<String, String> arguments = new HashMap<>();
    private final List<Problem> problems = new ArrayList<>();

    private InputProblems(GraphQLSchema schema, Document document, Map<String, Object> rawVariables, GraphQLContext context,
            Locale locale) {
        this.schema = schema;
        this.rawVariables = rawVariables;
        this.values = new InputValues(context, locale, this::variable);
        document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
    }

    /** The problems of the operation {@code operationName} (or the document's only one), in document order. */
    static InputProblems find(GraphQLSchema schema, Document document, String operationName, Map<String, Object> variables,
            GraphQLContext context, Locale locale) {
        InputProblems found = new InputProblems(schema, document, variables, context, locale);
        document.getDefinitionsOfType(OperationDefinition.class).stream()
                .filter(o -> operationName == null || operationName.equals(o.getName()))
                .findFirst().ifPresent(found::operation);
        return found;
    }

    /** No problems found (the document could not be read again). */
    static InputProblems none() {
        return new InputProblems(null, new Document(List.of()), Map.of(), null, Locale.getDefault());
    }

    List<Problem> problems() {
        return problems;
    }

    /** The path of the argument at {@code location} (where graphql-java reports a literal's error), or null. */
    String argumentAt(SourceLocation location) {
        return arguments.get(key(location));
    }

    /** Line and column: the parse that explains an error may name its source differently. */
    static String key(SourceLocation location) {
        return location == null ? null : location.getLine() + ":" + location.getColumn();
    }

    private void operation(OperationDefinition operation) {
        operation.getVariableDefinitions().forEach(v -> variables.put(v.getName(), v));
        for (VariableDefinition definition : operation.getVariableDefinitions()) {
            if (definition.getDefaultValue() != null && inputType(definition) != null) {
                report(definition.getSourceLocation(), values.literal(definition.getDefaultValue(), inputType(definition), definition.getName()));
            }
        }
        GraphQLType root = switch (operation.getOperation()) {
            case MUTATION -> schema.getMutationType();
            case SUBSCRIPTION -> schema.getSubscriptionType();
            default -> schema.getQueryType();
        };
        directives(operation);
        selections(operation.getSelectionSet(), root);
    }

    private void selections(SelectionSet selections, GraphQLType parent) {
        if (selections == null) {
            return;
        }
        for (Selection<?> selection : selections.getSelections()) {
            if (selection instanceof Field field) {
                directives(field);
                GraphQLFieldDefinition definition = parent instanceof GraphQLFieldsContainer container
                        ? container.getFieldDefinition(field.getName()) : null;
                if (definition != null) {
                    field.getArguments().forEach(a -> argument(a, definition.getArgument(a.getName()), a.getName()));
                    selections(field.getSelectionSet(), GraphQLTypeUtil.unwrapAll(definition.getType()));
                }
            } else if (selection instanceof InlineFragment inline) {
                directives(inline);
                selections(inline.getSelectionSet(), typeOf(inline.getTypeCondition(), parent));
            } else if (selection instanceof FragmentSpread spread) {
                directives(spread);
                FragmentDefinition fragment = fragments.get(spread.getName());
                if (fragment != null && visitedFragments.add(spread.getName())) {
                    directives(fragment);
                    selections(fragment.getSelectionSet(), typeOf(fragment.getTypeCondition(), parent));
                }
            }
        }
    }

    private void directives(DirectivesContainer<?> node) {
        for (Directive directive : node.getDirectives()) {
            GraphQLDirective definition = schema.getDirective(directive.getName());
            if (definition != null) {
                directive.getArguments().forEach(a -> argument(a, definition.getArgument(a.getName()), "@" + directive.getName() + "." + a.getName()));
            }
        }
    }

    private void argument(Argument argument, GraphQLArgument definition, String path) {
        arguments.put(key(argument.getSourceLocation()), path);
        if (definition != null) {
            value(argument, argument.getValue(), definition.getType(), path);
        }
    }

    /** Checks a literal; a variable in it is checked (once) where it is first used, against its declared type. */
    private void value(Node<?> anchor, Value<?> value, GraphQLInputType type, String path) {
        report(anchor.getSourceLocation(), values.literal(value, type, path));
    }

    private void variable(VariableReference reference, String path) {
        VariableDefinition definition = variables.get(reference.getName());
        boolean defaulted = definition != null && definition.getDefaultValue() != null && !rawVariables.containsKey(reference.getName());
        if (definition == null || defaulted || !checkedVariables.add(reference.getName())) {
            return; // a default value is checked with the variable definitions
        }
        GraphQLInputType type = inputType(definition);
        if (type != null) {
            report(definition.getSourceLocation(), values.raw(rawVariables.get(reference.getName()), type, path));
        }
    }

    private GraphQLInputType inputType(VariableDefinition definition) {
        GraphQLType type = TypeFromAST.getTypeFromAST(schema, definition.getType());
        return type instanceof GraphQLInputType input ? input : null;
    }

    private GraphQLType typeOf(TypeName condition, GraphQLType parent) {
        return condition == null ? parent : schema.getType(condition.getName());
    }

    private void report(SourceLocation anchor, InputValues.Refusal refusal) {
        if (refusal != null) {
            problems.add(new Problem(anchor, refusal.path(), refusal.sentence()));
        }
    }
}
