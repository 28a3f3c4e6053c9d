package dev.tidemark.sync.entity;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How a table resolves a client change that conflicts with a concurrent server change (the
 * client's base version is not the server's). Without this annotation a table uses the defaults:
 * a delete wins over a concurrent update, and two updates are decided by last-writer-wins on
 * {@code updatedAt} (client times clamped to server time; a tie keeps the server's row).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
public @interface ConflictPolicy {

    /** Whether a tombstone wins over a concurrent update (either side's); false lets last-writer-wins decide. */
    boolean deleteWins() default true;
}
