package dev.tidemark.sync.policy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Which rows of this entity's table a user may see and write, as where-inputs in JSON (the
 * GraphQL where syntax, relations included) in which {@code "$user"} stands for the caller's uid.
 * {@link RowPolicies} ANDs {@link #read} with every where of queries, relation fields,
 * subscriptions and sync, and checks every write: the row as stored must be readable, and the row
 * as written must match {@link #write}. A table without a policy is visible to admins only.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface RowPolicy {

    /** The rows the caller sees. */
    String read();

    /** The rows the caller may write, checked on the new values of an insert or update; empty: same as {@link #read}. */
    String write() default "";
}
