package dev.tidemark.demo.model;

import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.sync.entity.CreatedBy;
import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.entity.Through;
import dev.tidemark.sync.policy.RowPolicy;

/**
 * A group of users; membership is the join table {@link UserGroup}.
 *
 * <p>Row policy: who sees a group: its creator and its live members; they may edit and delete it.
 */
@RowPolicy(read = """
        {"or": [
            {"createdBy": {"eq": "$user"}},
            {"memberships": {"some": {"userUid": {"eq": "$user"}}}}
        ]}""")
@Through(name = "members", via = "memberships", to = "user", description = "The live users who are live members of the group.")
@Entity(name = "AppGroup")
@Table(name = "app_group")
@Description("A group of users.")
public class Group extends SyncedEntity {

    @Column(name = "created_by")
    @CreatedBy
    @Description("The user who created the row: set by the server from the token, never by clients (null when an admin made it).")
    public UUID createdBy;

    @Column(name = "name", nullable = false)
    @NonNull
    public String name;

    @OneToMany(mappedBy = "group")
    @Ignore
    @Description("The group's live memberships.")
    public List<UserGroup> memberships;
}
