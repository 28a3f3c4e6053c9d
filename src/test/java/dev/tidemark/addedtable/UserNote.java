package dev.tidemark.addedtable;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.demo.model.User;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.entity.TombstoneCascade;
import dev.tidemark.sync.policy.RowPolicy;

/**
 * A test-only table added the way docs/adding-a-table.md says (this entity, its migration
 * db/test-tables/V1000__user_note.sql, nothing else): a note of a user, tombstoned with its user.
 *
 * <p>Row policy: who sees a note: its user, who may write it.
 */
@RowPolicy(read = """
        {"userUid": {"eq": "$user"}}""")
@Entity(name = "UserNote")
@Table(name = "user_note")
@Description("A note of a user (test-only table). Tombstoned when its user is.")
public class UserNote extends SyncedEntity {

    @Column(name = "user_uid", nullable = false)
    @NonNull
    public UUID userUid;

    @Column(name = "body", nullable = false)
    @NonNull
    public String body;

    @Column(name = "tag")
    public String tag;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "user_uid", insertable = false, updatable = false)
    @TombstoneCascade
    @Ignore
    @Description("The note's user (even if deleted).")
    public User user;
}
