package dev.tidemark.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;

/** The hostile GraphQL inputs of issue 14, built as an attacker sends them (tests and the benchmark share them). */
public final class Hostile {

    private Hostile() {
    }

    /**
     * {@code selection} with {@code %s} replaced by {@code ...F<levels>}, where F0 selects uid and
     * name and F(i) spreads F(i-1) {@code fanOut} times: 2 * fanOut^levels fields once expanded,
     * {@code levels + 1} fragments deep. The bomb is {@code levels = 30, fanOut = 2}.
     */
    public static String fragmentBomb(String selection, int levels, int fanOut) {
        StringBuilder document = new StringBuilder(selection.replace("%s", "...F" + levels)).append("\nfragment F0 on User { uid name }");
        for (int i = 1; i <= levels; i++) {
            document.append("\nfragment F").append(i).append(" on User {").append((" ...F" + (i - 1)).repeat(fanOut)).append(" }");
        }
        return document.toString();
    }

    /** {@code count} where objects {@code {name: {eq: "x<i>"}}}: as an and/or list, 2 * count + 1 conditions. */
    public static List<Object> equalities(int count) {
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            items.add(Map.of("name", Map.of("eq", "x" + i)));
        }
        return items;
    }

    /** A request body: the document and its variables (name/value pairs) as JSON. */
    public static String body(String document, Object... variables) {
        return Json.createObjectBuilder().add("query", document).add("variables", GraphQL.toJson(GraphQL.vars(variables))).build().toString();
    }
}
