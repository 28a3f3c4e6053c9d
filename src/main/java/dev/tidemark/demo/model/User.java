package dev.tidemark.demo.model;

import java.util.List;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.sync.entity.SyncedEntity;

/** A person of the demo app. */
@Entity(name = "AppUser")
@Table(name = "app_user")
@Description("A user of the demo app.")
public class User extends SyncedEntity {

    @Column(name = "name", nullable = false)
    @NonNull
    public String name;

    @Column(name = "email")
    public String email;

    @OneToMany(mappedBy = "user")
    @Ignore
    public List<UserGroup> memberships;

    @OneToMany(mappedBy = "user")
    @Ignore
    public List<UserDocument> documents;
}
