package dev.tidemark.sync.where;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/** Operators on a UUID column. Values are UUID strings; a malformed one is refused with its path. */
@Input("UuidFilter")
@Description("Conditions on a UUID column; all given operators must hold.")
public class UuidFilter {
    public String eq;
    public String ne;
    public List<String> in;
    public List<String> notIn;
    @Description("true: the column is null; false: it is not.")
    public Boolean isNull;
}
