package dev.tidemark.sync.error;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.spi.CreationalContext;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Singleton;

import dev.tidemark.sync.metrics.limits.LimitRefusals;
import graphql.schema.GraphQLSchema;
import io.quarkus.arc.Unremovable;
import io.smallrye.graphql.execution.ExecutionService;
import io.smallrye.graphql.schema.model.Schema;

/**
 * Makes {@link CodedParseErrors} the {@code ExecutionService} every caller gets (Quarkus' HTTP
 * handler and the realtime endpoint look it up by type), around the one SmallRye's producer made.
 */
public class CodedParseErrorsProducer {

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    @Unremovable // looked up by type at runtime only (Arc.container().instance), which the build does not see
    ExecutionService codedParseErrors(BeanManager beans, GraphQLSchema graphQLSchema, Schema schema, LimitRefusals refusals) {
        return new CodedParseErrors(smallRyes(beans), graphQLSchema, schema, refusals);
    }

    /** SmallRye's own service: the bean of that type that is not this producer's. */
    @SuppressWarnings("unchecked")
    private static ExecutionService smallRyes(BeanManager beans) {
        for (Bean<?> bean : beans.getBeans(ExecutionService.class)) {
            if (bean.getBeanClass() != CodedParseErrorsProducer.class) {
                CreationalContext<?> context = beans.createCreationalContext(bean);
                return (ExecutionService) beans.getReference(bean, ExecutionService.class, context);
            }
        }
        throw new IllegalStateException("SmallRye GraphQL's execution service is not a bean");
    }
}
