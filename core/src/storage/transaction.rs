//! A write transaction through statements prepared once per connection:
//! rusqlite's `Transaction` parses `BEGIN IMMEDIATE` and `COMMIT` anew on
//! every use, which cost as much as the per-event `UPDATE` itself.

use rusqlite::Connection;
use std::ops::Deref;

/// `BEGIN IMMEDIATE` (the write lock, waited for within the busy timeout);
/// rolled back when dropped without a successful `commit`.
pub struct WriteTransaction<'c> {
    conn: &'c Connection,
    open: bool,
}

impl<'c> WriteTransaction<'c> {
    pub fn begin(conn: &'c Connection) -> rusqlite::Result<Self> {
        conn.prepare_cached("BEGIN IMMEDIATE")?.execute([])?;
        Ok(WriteTransaction { conn, open: true })
    }

    pub fn commit(mut self) -> rusqlite::Result<()> {
        self.conn.prepare_cached("COMMIT")?.execute([])?;
        self.open = false;
        Ok(())
    }
}

impl Deref for WriteTransaction<'_> {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for WriteTransaction<'_> {
    fn drop(&mut self) {
        // A failed change or commit: nothing of it may stay. Errors here
        // cannot be reported, and SQLite rolls back on close regardless.
        if self.open && !self.conn.is_autocommit() {
            let _ = self
                .conn
                .prepare_cached("ROLLBACK")
                .and_then(|mut rollback| rollback.execute([]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counter() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (0);")
            .unwrap();
        conn
    }

    fn value(conn: &Connection) -> i64 {
        conn.query_row("SELECT v FROM t", [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn commits_and_rolls_back_and_can_be_reused() {
        let conn = counter();
        for expected in 1..=3 {
            let tx = WriteTransaction::begin(&conn).unwrap();
            tx.execute("UPDATE t SET v = v + 1", []).unwrap();
            tx.commit().unwrap();
            assert_eq!(value(&conn), expected);
        }
        {
            let tx = WriteTransaction::begin(&conn).unwrap();
            tx.execute("UPDATE t SET v = 100", []).unwrap();
        }
        assert_eq!(value(&conn), 3);
        assert!(conn.is_autocommit());
    }
}
