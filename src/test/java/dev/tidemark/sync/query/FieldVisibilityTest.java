package dev.tidemark.sync.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import graphql.Scalars;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLFieldsContainer;
import graphql.schema.GraphQLObjectType;
import graphql.schema.visibility.BlockedFields;
import graphql.schema.visibility.GraphqlFieldVisibility;

/**
 * The field visibility SmallRye builds from Quarkus's default ({@code BlockedFields} with the pattern
 * {@code default}) is no longer consulted for every field lookup; a visibility that hides something is kept.
 */
class FieldVisibilityTest {

    static final GraphQLObjectType USER = GraphQLObjectType.newObject().name("User")
            .field(GraphQLFieldDefinition.newFieldDefinition().name("uid").type(Scalars.GraphQLString))
            .field(GraphQLFieldDefinition.newFieldDefinition().name("name").type(Scalars.GraphQLString))
            .build();

    @AfterEach
    void restore() {
        OnePassRows.enable(true);
    }

    @Test
    void shouldNotMatchTheDefaultPatternPerField() {
        Counting blocked = new Counting(BlockedFields.newBlock().addPattern("default").build());
        ReadPathEventingService.Visibility visibility = new ReadPathEventingService.Visibility(blocked, true);
        for (int i = 0; i < 1000; i++) {
            assertSame(USER.getFieldDefinition("uid"), visibility.getFieldDefinition(USER, "uid"));
        }
        assertEquals(List.of("uid", "name"), visibility.getFieldDefinitions(USER).stream().map(GraphQLFieldDefinition::getName).toList());
        assertEquals(0, blocked.calls.get(), "the configured visibility was consulted");
    }

    @Test
    void shouldConsultTheConfiguredVisibilityWhenOff() {
        Counting blocked = new Counting(BlockedFields.newBlock().addPattern("default").build());
        ReadPathEventingService.Visibility visibility = new ReadPathEventingService.Visibility(blocked, true);
        OnePassRows.enable(false);
        assertSame(USER.getFieldDefinition("uid"), visibility.getFieldDefinition(USER, "uid"));
        assertEquals(1, blocked.calls.get());
    }

    @Test
    void shouldKeepAVisibilityThatHidesFields() {
        Counting blocked = new Counting(BlockedFields.newBlock().addPattern("User.name").build());
        ReadPathEventingService.Visibility visibility = new ReadPathEventingService.Visibility(blocked, false);
        assertNull(visibility.getFieldDefinition(USER, "name"));
        assertEquals(List.of("uid"), visibility.getFieldDefinitions(USER).stream().map(GraphQLFieldDefinition::getName).toList());
        assertEquals(2, blocked.calls.get());
    }

    private static final class Counting implements GraphqlFieldVisibility {
        final GraphqlFieldVisibility delegate;
        final AtomicInteger calls = new AtomicInteger();

        Counting(GraphqlFieldVisibility delegate) {
            this.delegate = delegate;
        }

        @Override
        public List<GraphQLFieldDefinition> getFieldDefinitions(GraphQLFieldsContainer container) {
            calls.incrementAndGet();
            return delegate.getFieldDefinitions(container);
        }

        @Override
        public GraphQLFieldDefinition getFieldDefinition(GraphQLFieldsContainer container, String name) {
            calls.incrementAndGet();
            return delegate.getFieldDefinition(container, name);
        }
    }
}
