package dev.tidemark.demo.model;

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

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.entity.TombstoneCascade;
import dev.tidemark.sync.policy.RowPolicy;

/**
 * Membership of a user in a group: an explicit, synced join row. Deleting either side deletes it.
 *
 * <p>Row policy: who sees a membership: its user, and whoever sees its group. Writing one (joining, adding
 * someone, moving it) needs the group to be the writer's (created or a member of) and its user to
 * be visible to the writer: nobody joins a foreign group. Removing one needs only to see it.
 */
@RowPolicy(read = """
        {"or": [
            {"userUid": {"eq": "$user"}},
            {"group": {"or": [
                {"createdBy": {"eq": "$user"}},
                {"memberships": {"some": {"userUid": {"eq": "$user"}}}}
            ]}}
        ]}""", write = """
        {"group": {"or": [
                {"createdBy": {"eq": "$user"}},
                {"memberships": {"some": {"userUid": {"eq": "$user"}}}}
            ]},
         "user": {"or": [
                {"uid": {"eq": "$user"}},
                {"createdBy": {"eq": "$user"}},
                {"memberships": {"some": {"group": {"memberships": {"some": {"userUid": {"eq": "$user"}}}}}}}
            ]}}""")
@Entity(name = "UserGroup")
@Table(name = "user_group")
@Description("Membership of a user in a group (join table). Tombstoned when its user or group is.")
public class UserGroup extends SyncedEntity {

    @Column(name = "user_uid", nullable = false)
    @NonNull
    public UUID userUid;

    @Column(name = "group_uid", nullable = false)
    @NonNull
    public UUID groupUid;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "user_uid", insertable = false, updatable = false)
    @TombstoneCascade
    @Ignore
    @Description("The member (even if deleted).")
    public User user;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "group_uid", insertable = false, updatable = false)
    @TombstoneCascade
    @Ignore
    @Description("The group (even if deleted).")
    public Group group;
}
