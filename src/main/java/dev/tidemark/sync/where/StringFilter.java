package dev.tidemark.sync.where;

import java.util.List;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;

/** Operators on a text column. Comparisons are case-sensitive; {@code %} and {@code _} match literally. */
@Input("StringFilter")
@Description("Conditions on a text column; all given operators must hold. Case-sensitive.")
public class StringFilter {
    public String eq;
    public String ne;
    public List<String> in;
    public List<String> notIn;
    public String lt;
    public String lte;
    public String gt;
    public String gte;
    @Description("true: the column is null; false: it is not.")
    public Boolean isNull;
    @Description("The value contains this text (wildcards are not interpreted).")
    public String contains;
    @Description("The value starts with this text (wildcards are not interpreted).")
    public String startsWith;
}
