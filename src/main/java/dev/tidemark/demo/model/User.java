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
 * A person of the demo app.
 *
 * <p>Row policy: who sees a user: themselves, the users they created, and the users sharing a live group with
 * them. They may edit and delete the users they see, and create users (they then see them).
 */
@RowPolicy(read = """
        {"or": [
            {"uid": {"eq": "$user"}},
            {"createdBy": {"eq": "$user"}},
            {"memberships": {"some": {"group": {"memberships": {"some": {"userUid": {"eq": "$user"}}}}}}}
        ]}""")
@Through(name = "groups", via = "memberships", to = "group", description = "The live groups the user is a live member of.")
@Entity(name = "AppUser")
@Table(name = "app_user")
@Description("A user of the demo app.")
public class User extends SyncedEntity {

    @Column(name = "created_by")
    @CreatedBy
    @Description("The user who created the row: set by the server from the token, never by clients (null when an admin made it).")
    public UUID createdBy;

    @Column(name = "name", nullable = false)
    @NonNull
    public String name;

    @Column(name = "email")
    public String email;

    @OneToMany(mappedBy = "user")
    @Ignore
    @Description("The user's live memberships.")
    public List<UserGroup> memberships;

    @OneToMany(mappedBy = "user")
    @Ignore
    @Description("The user's live documents.")
    public List<UserDocument> documents;
}
