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

/** A group of users; membership is the join table {@link UserGroup}. */
@Entity(name = "AppGroup")
@Table(name = "app_group")
@Description("A group of users.")
public class Group extends SyncedEntity {

    @Column(name = "name", nullable = false)
    @NonNull
    public String name;

    @OneToMany(mappedBy = "group")
    @Ignore
    public List<UserGroup> memberships;
}
