package dev.tidemark.sync.where;

import java.time.OffsetDateTime;
import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/** Operators on a timestamp column (ISO-8601 date-times with offset). */
@Input("DateTimeFilter")
@Description("Conditions on a timestamp column; all given operators must hold.")
public class DateTimeFilter {
    public OffsetDateTime eq;
    public OffsetDateTime ne;
    public List<OffsetDateTime> in;
    public List<OffsetDateTime> notIn;
    public OffsetDateTime lt;
    public OffsetDateTime lte;
    public OffsetDateTime gt;
    public OffsetDateTime gte;
    @Description("true: the column is null (for deletedAt: a live row); false: it is not.")
    public Boolean isNull;
}
