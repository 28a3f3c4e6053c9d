package dev.tidemark.sync.realtime.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tidemark.demo.model.Group;
import dev.tidemark.demo.model.User;
import dev.tidemark.demo.model.UserDocumentEvent;
import dev.tidemark.demo.model.UserGroup;
import dev.tidemark.sync.auth.Identity;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.realtime.ChangeEvent;
import dev.tidemark.sync.realtime.ChangeOperation;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLTypeUtil;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Events written directly ({@link DirectEvents}) are the bytes executing the subscriber's document
 * gives: every table's subscription field, selections with aliases, {@code __typename}, every scalar
 * field of the event and every column of the row, rows with nasty strings, nulls, offsets and
 * nanoseconds, and every operation (a row, no row, a signal). Selections it must leave to the
 * execution (fragments, directives, relation fields, two operations) are rendered the same, by execution.
 */
@QuarkusTest
class DirectEventsTest {

    /** Every control character, quotes, backslashes, non-ASCII, surrogate pairs and lone halves, line separators. */
    private static final String NASTY = "\u0001\u0007\b\t\n\u000b\f\r\u000e\u001f \"quoted\" back\\slash /slash \u007f\u0080\u00e9"
            + "\u4e2d\u2028\u2029\ud83d\ude00 lone \ud83d high, lone \ude00 low \ufeff\uffff end";

    @Inject
    EventRenderer renderer;

    @Inject
    GraphQLSchema schema;

    private final Random random = new Random(20261202);

    @AfterEach
    void restore() {
        DirectEvents.enable(true);
    }

    @Test
    void shouldWriteTheBytesTheExecutionGivesForEveryTableAndEvent() {
        List<Table> tables = List.of(new Table("userChanged", this::user), new Table("groupChanged", this::group),
                new Table("userGroupChanged", this::membership), new Table("userDocumentEventChanged", this::documentEvent));
        long before = DirectEvents.written();
        int compared = 0;
        for (Table table : tables) {
            for (JsonObject document : directSelections(table.field())) {
                for (int i = 0; i < 12; i++) {
                    compare(document, event(table.rows().get(), i));
                    compared++;
                }
            }
        }
        assertEquals(compared, DirectEvents.written() - before, "every one of these selections is written directly");
    }

    @Test
    void shouldLeaveToTheExecutionWhatItCannotWriteTheSameAndAnswerTheSame() {
        String event = eventType("userChanged");
        String relation = relationField("userChanged");
        List<JsonObject> documents = List.of(
                document("subscription { userChanged { ...F } } fragment F on " + event + " { operation row { uid } }"),
                document("subscription { userChanged { operation ... on " + event + " { uid } } }"),
                document("subscription($yes: Boolean!) { userChanged { operation @include(if: $yes) row { uid } } }",
                        Json.createObjectBuilder().add("yes", true).build()),
                document("subscription { userChanged { operation row { uid " + relation + " { uid } } } }"),
                document("subscription { userChanged { operation operation row { uid uid } } }"),
                document("subscription A { userChanged { operation } } subscription B { userChanged { uid } }"));
        long before = DirectEvents.written();
        for (JsonObject document : documents) {
            for (int i = 0; i < 5; i++) {
                compare(document, event(user(), i));
            }
        }
        assertEquals(before, DirectEvents.written(), "none of these selections is written directly");
    }

    @Test
    void shouldLeaveANullInANonNullFieldToTheExecutionErrors() {
        User user = user();
        user.name = null; // non-null in the schema: the execution reports an error
        JsonObject document = document("subscription { userChanged { operation row { uid name } } }");
        long before = DirectEvents.written();
        compare(document, ChangeEvent.of(ChangeOperation.UPSERT, user, "c1"));
        assertEquals(before, DirectEvents.written());
    }

    private void compare(JsonObject request, ChangeEvent<?> event) {
        Subscriber subscriber = new Subscriber(new Sink(), "1", request, EventRenderer.renderKey(request), null, "c0");
        DirectEvents.enable(false);
        String executed = renderer.render(subscriber, event);
        DirectEvents.enable(true);
        String written = renderer.render(subscriber, event);
        assertEquals(executed, written, () -> "for " + request + " and " + event.operation);
    }

    private List<JsonObject> directSelections(String field) {
        GraphQLObjectType row = rowType(field);
        StringBuilder columns = new StringBuilder();
        for (GraphQLFieldDefinition definition : row.getFieldDefinitions()) {
            if (GraphQLTypeUtil.unwrapNonNull(definition.getType()) instanceof GraphQLScalarType && definition.getArguments().isEmpty()) {
                columns.append(' ').append(definition.getName());
            }
        }
        assertTrue(columns.toString().contains(" uid"), "the row type has columns");
        return List.of(
                document("subscription($w: " + whereType(field) + ") { " + field + "(where: $w) { operation row {" + columns + " } } }"),
                document("subscription { changes: " + field + " { __typename kind: operation cursor uid version row { __typename id: uid"
                        + columns + " } } }"),
                Json.createObjectBuilder().add("query", "subscription A { " + field + " { operation } } subscription B { " + field
                        + " { cursor row { uid } operation } }").add("operationName", "B").build());
    }

    private JsonObject document(String query) {
        return document(query, JsonObject.EMPTY_JSON_OBJECT);
    }

    private static JsonObject document(String query, JsonObject variables) {
        return Json.createObjectBuilder().add("query", query).add("variables", variables).build();
    }

    /** Events of every operation: rows for UPSERT and DELETE, a row named only for LEAVE_SCOPE, signals. */
    private static ChangeEvent<?> event(SyncedEntity row, int i) {
        String cursor = "cursor-" + i + NASTY;
        return switch (i % 5) {
            case 0, 1 -> ChangeEvent.of(ChangeOperation.UPSERT, row, cursor);
            case 2 -> ChangeEvent.of(ChangeOperation.DELETE, row, cursor);
            case 3 -> ChangeEvent.without(ChangeOperation.LEAVE_SCOPE, row, cursor);
            default -> ChangeEvent.signal(i % 2 == 0 ? ChangeOperation.READY : ChangeOperation.RESYNC, cursor);
        };
    }

    private <T extends SyncedEntity> T base(T row) {
        row.uid = UUID.randomUUID();
        row.createdAt = time();
        row.updatedAt = time();
        row.deletedAt = random.nextBoolean() ? null : time();
        row.version = random.nextBoolean() ? random.nextInt(10) + 1 : Long.MAX_VALUE - random.nextInt(1000);
        return row;
    }

    private OffsetDateTime time() {
        Instant at = Instant.ofEpochSecond(random.nextInt(2_000_000_000), random.nextBoolean() ? 0 : random.nextInt(1_000_000_000));
        int hours = random.nextInt(25) - 12;
        return at.atOffset(ZoneOffset.ofHoursMinutes(hours, random.nextBoolean() ? 0 : hours < 0 ? -30 : 30));
    }

    private String text() {
        return switch (random.nextInt(3)) {
            case 0 -> NASTY;
            case 1 -> "plain " + random.nextInt();
            default -> "";
        };
    }

    private User user() {
        User user = base(new User());
        user.name = text();
        user.email = random.nextBoolean() ? null : text();
        user.createdBy = random.nextBoolean() ? null : UUID.randomUUID();
        return user;
    }

    private Group group() {
        Group group = base(new Group());
        group.name = text();
        group.createdBy = random.nextBoolean() ? null : UUID.randomUUID();
        return group;
    }

    private UserGroup membership() {
        UserGroup membership = base(new UserGroup());
        membership.userUid = UUID.randomUUID();
        membership.groupUid = UUID.randomUUID();
        return membership;
    }

    private UserDocumentEvent documentEvent() {
        UserDocumentEvent event = base(new UserDocumentEvent());
        event.documentUid = UUID.randomUUID();
        event.kind = text();
        event.payload = random.nextBoolean() ? null : "{\"json\": " + Json.createValue(NASTY) + "}";
        return event;
    }

    private GraphQLObjectType eventObjectType(String field) {
        return (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(schema.getSubscriptionType().getFieldDefinition(field).getType());
    }

    private String eventType(String field) {
        return eventObjectType(field).getName();
    }

    private GraphQLObjectType rowType(String field) {
        return (GraphQLObjectType) GraphQLTypeUtil.unwrapAll(eventObjectType(field).getFieldDefinition("row").getType());
    }

    private String whereType(String field) {
        return GraphQLTypeUtil.unwrapAll(schema.getSubscriptionType().getFieldDefinition(field).getArgument("where").getType()).getName();
    }

    /** A field of the row type that is an object or a list of them: a relation. */
    private String relationField(String field) {
        List<String> relations = new ArrayList<>();
        for (GraphQLFieldDefinition definition : rowType(field).getFieldDefinitions()) {
            if (GraphQLTypeUtil.unwrapAll(definition.getType()) instanceof GraphQLObjectType) {
                relations.add(definition.getName());
            }
        }
        assertTrue(!relations.isEmpty(), "the user type has relations");
        return relations.get(0);
    }

    private record Table(String field, Supplier<SyncedEntity> rows) {
    }

    /** An admin's connection that drops what it is sent (the renderer is called directly). */
    private static final class Sink implements EventSink {
        private final Identity identity = new Identity(UUID.randomUUID(), true, null);

        @Override
        public Identity identity() {
            return identity;
        }

        @Override
        public String nextPrefix(String id) {
            return "{\"id\":\"" + id + "\",\"type\":\"next\",\"payload\":";
        }

        @Override
        public boolean send(String frame) {
            return true;
        }

        @Override
        public boolean takeSubscription(int max) {
            return true;
        }

        @Override
        public void releaseSubscription() {
        }

        @Override
        public void fail(String id, String code, String message) {
        }
    }
}
