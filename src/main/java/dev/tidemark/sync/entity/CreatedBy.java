package dev.tidemark.sync.entity;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A UUID column the server sets, on insert, to the uid of the user who created the row; clients
 * cannot write it. Row policies use it to let creators see what they made (a group before anyone
 * joined it).
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
public @interface CreatedBy {
}
