package dev.tidemark.sync.reconcile;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Input;
import org.eclipse.microprofile.graphql.NonNull;

/** A row the client holds unchanged: its uid and the version it has. */
@Input("HeldRowInput")
@Description("A row the client holds and has not changed: uid and the version it holds.")
public class HeldRowInput {
    @NonNull
    public String uid;
    @NonNull
    public Long version;
}
