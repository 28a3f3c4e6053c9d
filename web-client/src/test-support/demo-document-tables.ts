/** The demo's document tables (`UserDocument` and its events) in its captured syncSchema answer (`demo-schema.ts`). */
import type { TableSchema } from '../schema/sync-schema.js';

export const documentTables: TableSchema[] = [
  {
    "name": "UserDocument",
    "table": "user_document",
    "primaryKey": "uid",
    "queryField": "userDocuments",
    "subscriptionField": "userDocumentChanged",
    "saveMutation": "saveUserDocument",
    "deleteMutation": "deleteUserDocument",
    "conflictPolicy": "DELETE_WINS",
    "columns": [
      {
        "name": "uid",
        "column": "uid",
        "type": "UUID",
        "nullable": false,
        "system": false
      },
      {
        "name": "createdAt",
        "column": "created_at",
        "type": "DATETIME",
        "nullable": false,
        "system": true
      },
      {
        "name": "deletedAt",
        "column": "deleted_at",
        "type": "DATETIME",
        "nullable": true,
        "system": true
      },
      {
        "name": "title",
        "column": "title",
        "type": "STRING",
        "nullable": false,
        "system": false
      },
      {
        "name": "updatedAt",
        "column": "updated_at",
        "type": "DATETIME",
        "nullable": false,
        "system": true
      },
      {
        "name": "userUid",
        "column": "user_uid",
        "type": "UUID",
        "nullable": false,
        "system": false
      },
      {
        "name": "version",
        "column": "version",
        "type": "VERSION",
        "nullable": false,
        "system": true
      }
    ],
    "parents": [
      {
        "field": "user",
        "foreignKey": "userUid",
        "target": "User",
        "cascade": false
      }
    ],
    "children": [
      {
        "field": "events",
        "target": "UserDocumentEvent",
        "parentField": "document",
        "foreignKey": "documentUid"
      }
    ]
  },
  {
    "name": "UserDocumentEvent",
    "table": "user_document_event",
    "primaryKey": "uid",
    "queryField": "userDocumentEvents",
    "subscriptionField": "userDocumentEventChanged",
    "saveMutation": "saveUserDocumentEvent",
    "deleteMutation": "deleteUserDocumentEvent",
    "conflictPolicy": "DELETE_WINS",
    "columns": [
      {
        "name": "uid",
        "column": "uid",
        "type": "UUID",
        "nullable": false,
        "system": false
      },
      {
        "name": "createdAt",
        "column": "created_at",
        "type": "DATETIME",
        "nullable": false,
        "system": true
      },
      {
        "name": "deletedAt",
        "column": "deleted_at",
        "type": "DATETIME",
        "nullable": true,
        "system": true
      },
      {
        "name": "documentUid",
        "column": "document_uid",
        "type": "UUID",
        "nullable": false,
        "system": false
      },
      {
        "name": "kind",
        "column": "kind",
        "type": "STRING",
        "nullable": false,
        "system": false
      },
      {
        "name": "payload",
        "column": "payload",
        "type": "STRING",
        "nullable": true,
        "system": false
      },
      {
        "name": "updatedAt",
        "column": "updated_at",
        "type": "DATETIME",
        "nullable": false,
        "system": true
      },
      {
        "name": "version",
        "column": "version",
        "type": "VERSION",
        "nullable": false,
        "system": true
      }
    ],
    "parents": [
      {
        "field": "document",
        "foreignKey": "documentUid",
        "target": "UserDocument",
        "cascade": true
      }
    ],
    "children": []
  }
];
