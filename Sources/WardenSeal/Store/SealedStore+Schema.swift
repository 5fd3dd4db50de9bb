import GRDB

/// The database layout. Migrations are named and only ever appended.
///
/// `sealed_record.state` is `sealed` (readable), `shredding` (its shred event is recorded or being recorded; no longer
/// readable; keys about to be destroyed) or `shredded` (every secret column is NULL). Owner, domain, kind and model are
/// stored in clear so retention and erasure can select rows without decrypting; they are bound into the AAD, so
/// editing them makes the record fail to open.
extension SealedStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-sealed-records") { db in
            try db.execute(
                sql: """
                    CREATE TABLE sealed_record (
                        id TEXT PRIMARY KEY NOT NULL,
                        created_at INTEGER NOT NULL,
                        owner TEXT NOT NULL,
                        domain TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        model TEXT,
                        state TEXT NOT NULL CHECK (state IN ('sealed', 'shredding', 'shredded')),
                        key_version INTEGER,
                        wrap_nonce BLOB,
                        wrapped_key BLOB,
                        nonce BLOB,
                        ciphertext BLOB,
                        tag BLOB,
                        shredded_at INTEGER
                    );
                    CREATE INDEX sealed_record_owner ON sealed_record(owner);
                    CREATE INDEX sealed_record_domain_created ON sealed_record(domain, created_at);
                    CREATE INDEX sealed_record_created ON sealed_record(created_at);
                    CREATE INDEX sealed_record_version ON sealed_record(key_version);
                    CREATE TABLE key_usage (
                        version INTEGER PRIMARY KEY NOT NULL,
                        reserved INTEGER NOT NULL
                    );
                    """
            )
        }
        return migrator
    }
}
