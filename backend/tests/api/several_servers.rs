//! Several servers on one PostgreSQL: started together on an empty database, each
//! migrates and loads the demo under an advisory lock, so all of them come up (without
//! it the second died on `pg_type_typname_nsp_index`) and the demo is loaded once.

use diesel::{ExpressionMethods, QueryDsl, RunQueryDsl};

use crate::support::{fresh_pg_database, pg_admin_url};

#[test]
fn servers_started_together_on_an_empty_postgresql_all_come_up() {
    let Some(admin) = pg_admin_url() else {
        eprintln!("no PostgreSQL in this run: skipped");
        return;
    };
    let url = fresh_pg_database(&admin);
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let (url, barrier) = (url.clone(), barrier.clone());
            std::thread::spawn(move || {
                barrier.wait();
                let db = tuyen::db::Db::connect(&url)?;
                tuyen::demo::load_if_empty(&db)?;
                anyhow::Ok(db)
            })
        })
        .collect();
    let mut dbs = Vec::new();
    for start in starts {
        dbs.push(
            start
                .join()
                .expect("no panic")
                .expect("the server comes up"),
        );
    }
    // The demo network once, not four times.
    let mut conn = dbs[0].conn().unwrap();
    let centres: i64 = tuyen::schema::facilities::table
        .filter(tuyen::schema::facilities::code.eq("74-TTYTTA"))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert_eq!(centres, 1);
}
