/** The demo server's syncSchema answer, captured for unit tests (integration tests fetch the real one); its document tables are in `demo-document-tables.ts`. */
import type { SyncSchema } from '../schema/sync-schema.js';
import { documentTables } from './demo-document-tables.js';

export const demoSchema: SyncSchema = {
  "version": "dff14b5a0bfb8e2a9e66d5ab",
  "tables": [
    {
      "name": "Group",
      "table": "app_group",
      "primaryKey": "uid",
      "queryField": "groups",
      "subscriptionField": "groupChanged",
      "saveMutation": "saveGroup",
      "deleteMutation": "deleteGroup",
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
          "name": "name",
          "column": "name",
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
          "name": "version",
          "column": "version",
          "type": "VERSION",
          "nullable": false,
          "system": true
        }
      ],
      "parents": [],
      "children": [
        {
          "field": "memberships",
          "target": "UserGroup",
          "parentField": "group",
          "foreignKey": "groupUid"
        }
      ]
    },
    {
      "name": "User",
      "table": "app_user",
      "primaryKey": "uid",
      "queryField": "users",
      "subscriptionField": "userChanged",
      "saveMutation": "saveUser",
      "deleteMutation": "deleteUser",
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
          "name": "email",
          "column": "email",
          "type": "STRING",
          "nullable": true,
          "system": false
        },
        {
          "name": "name",
          "column": "name",
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
          "name": "version",
          "column": "version",
          "type": "VERSION",
          "nullable": false,
          "system": true
        }
      ],
      "parents": [],
      "children": [
        {
          "field": "documents",
          "target": "UserDocument",
          "parentField": "user",
          "foreignKey": "userUid"
        },
        {
          "field": "memberships",
          "target": "UserGroup",
          "parentField": "user",
          "foreignKey": "userUid"
        }
      ]
    },
    ...documentTables,
    {
      "name": "UserGroup",
      "table": "user_group",
      "primaryKey": "uid",
      "queryField": "userGroups",
      "subscriptionField": "userGroupChanged",
      "saveMutation": "saveUserGroup",
      "deleteMutation": "deleteUserGroup",
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
          "name": "groupUid",
          "column": "group_uid",
          "type": "UUID",
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
          "field": "group",
          "foreignKey": "groupUid",
          "target": "Group",
          "cascade": true
        },
        {
          "field": "user",
          "foreignKey": "userUid",
          "target": "User",
          "cascade": true
        }
      ],
      "children": []
    }
  ]
};
