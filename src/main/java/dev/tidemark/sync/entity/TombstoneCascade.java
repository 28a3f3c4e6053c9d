package dev.tidemark.sync.entity;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a many-to-one field of a synced entity: when the referenced parent row is tombstoned, this
 * row is tombstoned too, in the same transaction (invariant I6, no orphans).
 *
 * <p>Declared on the child (typically a join table such as {@code user_group}) so that adding a
 * table never means editing the engine.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface TombstoneCascade {
}
