package dev.tidemark.sync.entity;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a many-to-many relation field of a synced entity, reached through a join table: its
 * live join rows along the one-to-many {@link #via}, then their many-to-one {@link #to}. The
 * table API generator turns it into a GraphQL field ({@code Group.members}); nothing is stored.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Repeatable(Through.List.class)
public @interface Through {

    /** The GraphQL field ({@code members}). */
    String name();

    /** The entity's one-to-many field to the join table ({@code memberships}). */
    String via();

    /** The join table's many-to-one field to the target ({@code user}). */
    String to();

    /** The field's description in the schema. */
    String description() default "";

    /** The relations of one entity. */
    @Target(ElementType.TYPE)
    @Retention(RetentionPolicy.RUNTIME)
    @interface List {
        Through[] value();
    }
}
