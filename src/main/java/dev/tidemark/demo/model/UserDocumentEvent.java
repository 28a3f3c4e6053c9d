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
 * Something that happened to a document (the tutorial's "events of a user's documents"). Deleting
 * the document deletes it.
 *
 * <p>Row policy: who sees an event of a document: the document's owner, who may add and edit events.
 */
@RowPolicy(read = """
        {"document": {"userUid": {"eq": "$user"}}}""")
@Entity(name = "UserDocumentEvent")
@Table(name = "user_document_event")
@Description("An event in the history of a document. Tombstoned when its document is.")
public class UserDocumentEvent extends SyncedEntity {

    @Column(name = "document_uid", nullable = false)
    @NonNull
    public UUID documentUid;

    @Column(name = "kind", nullable = false)
    @NonNull
    public String kind;

    @Column(name = "payload")
    public String payload;

    @ManyToOne(fetch = FetchType.LAZY)
    @JoinColumn(name = "document_uid", insertable = false, updatable = false)
    @TombstoneCascade
    @Ignore
    @Description("The event's document (even if deleted).")
    public UserDocument document;
}
