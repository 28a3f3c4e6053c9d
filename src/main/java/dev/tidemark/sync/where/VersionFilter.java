package dev.tidemark.sync.where;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/** Operators on the server-assigned version. */
@Input("VersionFilter")
@Description("Conditions on the row version; all given operators must hold.")
public class VersionFilter {
    public Long eq;
    public Long ne;
    public List<Long> in;
    public List<Long> notIn;
    public Long lt;
    public Long lte;
    public Long gt;
    public Long gte;
}
