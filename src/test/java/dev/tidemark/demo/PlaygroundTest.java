package dev.tidemark.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

/** GraphiQL, the schema (typed where-inputs included) and health are served. */
@QuarkusTest
class PlaygroundTest {

    @Test
    void shouldServeGraphiQL() {
        given().when().get("/q/graphql-ui/").then().statusCode(200).body(containsString("graphiql"));
    }

    @Test
    void shouldPublishTheContractInTheSchema() {
        given().when().get("/graphql/schema.graphql").then().statusCode(200)
                .body(containsString("users(includeDeleted: Boolean = false, where: UserWhere): [User!]!"))
                .body(containsString("userDocumentEvents(includeDeleted: Boolean = false, where: UserDocumentEventWhere)"))
                .body(containsString("input UserDocumentEventWhere"))
                .body(containsString("document: UserDocumentWhere"))
                .body(containsString("memberships: UserGroupListWhere"))
                .body(containsString("input StringFilter"))
                .body(containsString("startsWith: String"))
                .body(containsString("saveUserGroup(input: UserGroupInput!): UserGroup!"))
                .body(containsString("deleteGroup(uid: String!): Group!"))
                .body(containsString("members: [User!]!"));
    }

    @Test
    void shouldReportHealth() {
        given().when().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }
}
