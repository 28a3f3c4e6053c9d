package dev.tidemark.demo.model;

import java.util.List;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.Ignore;
import org.eclipse.microprofile.graphql.NonNull;

import dev.tidemark.sync.entity.SyncedEntity;
import dev.tidemark.sync.policy.RowPolicy;

/**
 * A document owned by a user (the tutorial's example).
 *
 * <p>Row policy: who sees a document: its owner only, who may edit it (but not give it away).
 */
@RowPolicy(read = """
        {"userUid": {"eq": "$user"}}""")
@Entity(name = "UserDocument")
@Table(name = "user_document")
@Description("A document owned by a user.")
public class UserDocument extends SyncedEntity {

    @Column(name = "user_uid", nullable = false)
    @NonNull
    public UUID userUid;

    @Column(name = "title", nullable = false)
    @NonNull
    public String title;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "user_uid", insertable = false, updatable = false)
    @Ignore
    @Description("The owner (even if deleted).")
    public User user;

    @OneToMany(mappedBy = "document")
    @Ignore
    @Description("The document's live events, oldest first.")
    public List<UserDocumentEvent> events;
}
