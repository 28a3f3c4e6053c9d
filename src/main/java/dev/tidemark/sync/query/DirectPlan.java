package dev.tidemark.sync.query;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import dev.tidemark.sync.schema.SyncColumn;
import dev.tidemark.sync.schema.SyncTable;
import dev.tidemark.sync.where.SqlScope;
import graphql.execution.ExecutionContext;
import graphql.introspection.Introspection;
import graphql.language.Field;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.VariableDefinition;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLList;
import graphql.schema.GraphQLNonNull;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLScalarType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLType;
import graphql.schema.GraphQLTypeUtil;

/**
 * How {@link DirectQueries} answers one document, made from the operation graphql-java is about to
 * execute ({@link #of}): the root list field and its arguments, the select of its columns and how each
 * becomes a member of a row's answer; {@link #NONE} for a document that is not answered there.
 */
final class DirectPlan {

    /** One member of each row's answer: a column (by its index in the select) or {@code __typename} (-1). */
    record Output(String key, int column, GraphQLScalarType scalar, boolean nonNull) {
    }

    static final DirectPlan NONE = new DirectPlan();

    final GraphQLSchema schema;
    final List<VariableDefinition> variables;
    final Field field;
    final GraphQLFieldDefinition definition;
    final String resultKey;
    final DirectCatalog.ListField list;
    final String typeName;
    final List<Output> outputs;
    final List<DirectCatalog.Read> reads;
    /** {@code select <columns> from <table> e where } */
    final String select;

    private DirectPlan() {
        schema = null;
        variables = null;
        field = null;
        definition = null;
        resultKey = null;
        list = null;
        typeName = null;
        outputs = null;
        reads = null;
        select = null;
    }

    private DirectPlan(GraphQLSchema schema, List<VariableDefinition> variables, Field field, GraphQLFieldDefinition definition,
            DirectCatalog.ListField list, String typeName, List<Output> outputs, List<DirectCatalog.Read> reads, String select) {
        this.schema = schema;
        this.variables = variables;
        this.field = field;
        this.definition = definition;
        this.resultKey = field.getResultKey();
        this.list = list;
        this.typeName = typeName;
        this.outputs = outputs;
        this.reads = reads;
        this.select = select;
    }

    /** The plan of the operation {@code context} executes, or null when it is not answered here. */
    static DirectPlan of(ExecutionContext context, DirectCatalog catalog) {
        OperationDefinition operation = context.getOperationDefinition();
        if (operation == null || operation.getOperation() != OperationDefinition.Operation.QUERY
                || !context.getFragmentsByName().isEmpty() || !operation.getDirectives().isEmpty()
                || operation.getVariableDefinitions().stream().anyMatch(v -> !v.getDirectives().isEmpty())
                || operation.getSelectionSet().getSelections().size() != 1
                || !(operation.getSelectionSet().getSelections().get(0) instanceof Field root) || !root.getDirectives().isEmpty()
                || root.getSelectionSet() == null) {
            return null;
        }
        DirectCatalog.ListField list = catalog.fields().get(root.getName());
        GraphQLSchema schema = context.getGraphQLSchema();
        GraphQLFieldDefinition definition = schema.getQueryType().getFieldDefinition(root.getName());
        if (list == null || definition == null || root.getArguments().stream()
                .anyMatch(a -> !a.getName().equals(DirectQueries.WHERE) && !a.getName().equals(DirectQueries.INCLUDE_DELETED))) {
            return null;
        }
        GraphQLType listType = GraphQLTypeUtil.unwrapNonNull(definition.getType());
        if (!(listType instanceof GraphQLList wrapped)
                || !(GraphQLTypeUtil.unwrapNonNull(wrapped.getWrappedType()) instanceof GraphQLObjectType rowType)
                || !GraphQLTypeUtil.isNonNull(wrapped.getWrappedType())) {
            return null; // a nullable row: graphql-java's null handling, not copied here
        }
        Map<String, DirectCatalog.DirectColumn> columns = catalog.columns().get(list.table());
        List<Output> outputs = new ArrayList<>();
        List<DirectCatalog.Read> reads = new ArrayList<>();
        StringBuilder select = new StringBuilder("select ");
        Set<String> keys = new HashSet<>();
        for (Selection<?> selection : root.getSelectionSet().getSelections()) {
            if (!(selection instanceof Field field) || !field.getDirectives().isEmpty() || !field.getArguments().isEmpty()
                    || field.getSelectionSet() != null || !keys.add(field.getResultKey())) {
                return null; // fragments, directives, arguments, objects, a key given twice (merged by graphql-java)
            }
            if (field.getName().equals(Introspection.TypeNameMetaFieldDef.getName())) {
                outputs.add(new Output(field.getResultKey(), -1, null, true));
                continue;
            }
            GraphQLFieldDefinition column = rowType.getFieldDefinition(field.getName());
            SyncColumn synced = list.table().column(field.getName());
            DirectCatalog.DirectColumn direct = columns == null ? null : columns.get(field.getName());
            if (column == null || !column.getArguments().isEmpty() || synced == null || direct == null
                    || !(GraphQLTypeUtil.unwrapNonNull(column.getType()) instanceof GraphQLScalarType scalar)) {
                return null;
            }
            outputs.add(new Output(field.getResultKey(), reads.size(), scalar, column.getType() instanceof GraphQLNonNull));
            select.append(reads.isEmpty() ? "" : ", ").append(SqlScope.ROOT).append('.').append(direct.sql());
            reads.add(direct.read());
        }
        if (reads.isEmpty()) {
            select.append(SqlScope.ROOT).append(".uid");
            reads.add((r, i) -> null);
        }
        select.append(" from ").append(list.table().tableName()).append(' ').append(SqlScope.ROOT).append(" where ");
        return new DirectPlan(schema, List.copyOf(operation.getVariableDefinitions()), root, definition, list, rowType.getName(),
                List.copyOf(outputs), List.copyOf(reads), select.toString());
    }

    /** At most {@code max} rows of the plan's columns matching {@code scope}, or null when more match. */
    List<Object[]> read(Connection connection, SqlScope scope, boolean includeDeleted, int max) throws SQLException {
        SyncTable table = list.table();
        StringBuilder sql = new StringBuilder(select).append(scope.predicate());
        if (!includeDeleted) {
            sql.append(" and ").append(SqlScope.ROOT).append('.').append(table.column("deletedAt").column()).append(" is null");
        }
        sql.append(" order by ").append(SqlScope.ROOT).append('.').append(table.column("createdAt").column()).append(", ")
                .append(SqlScope.ROOT).append(".uid limit ?");
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            int index = 1;
            for (Object value : scope.parameters()) {
                statement.setObject(index++, value);
            }
            statement.setInt(index, max + 1);
            List<Object[]> rows = new ArrayList<>();
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    if (rows.size() == max) {
                        return null; // LIMIT_EXCEEDED: the usual way says so
                    }
                    Object[] row = new Object[reads.size()];
                    for (int i = 0; i < row.length; i++) {
                        row[i] = reads.get(i).read(result, i + 1);
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }
}
