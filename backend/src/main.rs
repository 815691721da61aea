//! `tuyen`: the Tuyến server and its maintenance commands.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use tuyen::app::{Application, spec_json};
use tuyen::config::{Settings, jwt_secret};
use tuyen::db::{Db, DbUrl};

#[derive(Parser)]
#[command(name = "tuyen", version, about = "Tuyến — điều phối mạng lưới y tế")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(clap::Args, Clone)]
struct DbArgs {
    /// SQLite file path or postgres:// URL (default: DATA_DIR/tuyen.sqlite3).
    #[arg(long, env = "DATABASE_URL")]
    database_url: Option<String>,
    /// Folder for the SQLite database and the generated JWT secret.
    #[arg(long, env = "TUYEN_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
}

impl DbArgs {
    fn url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            self.data_dir
                .join("tuyen.sqlite3")
                .to_string_lossy()
                .into_owned()
        })
    }
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API, the docs and the SPA (the default).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "TUYEN_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        #[command(flatten)]
        db: DbArgs,
        /// Built SPA folder (index.html, frontend.js, frontend_bg.wasm).
        #[arg(long, env = "TUYEN_STATIC_DIR", default_value = "dist")]
        static_dir: PathBuf,
        /// Load the demo network (public passwords, fictional patients) into an empty
        /// database. Never for a real installation.
        #[arg(long, env = "TUYEN_DEMO")]
        demo: bool,
        /// Deprecated: the demo is loaded only with --demo now.
        #[arg(long, hide = true, conflicts_with = "demo")]
        no_demo: bool,
        /// Addresses of reverse proxies whose X-Forwarded-For names the client
        /// (comma-separated); from anyone else the peer address counts.
        #[arg(long, env = "TUYEN_TRUSTED_PROXIES", value_delimiter = ',')]
        trusted_proxies: Vec<std::net::IpAddr>,
        /// Sign-in and token requests one address may make per minute (per server).
        #[arg(long, env = "TUYEN_SIGNIN_PER_ADDRESS_PER_MINUTE", default_value_t = tuyen::config::SIGNIN_PER_ADDRESS_PER_MINUTE)]
        signin_per_address_per_minute: u32,
        /// Sign-in and token requests the server takes per second (per server).
        #[arg(long, env = "TUYEN_SIGNIN_PER_SECOND", default_value_t = tuyen::config::SIGNIN_PER_SECOND)]
        signin_per_second: u32,
    },
    /// Create an admin account (the first one of a new installation). The password is
    /// read from the terminal, or from standard input when that is not a terminal —
    /// never from the command line.
    CreateAdmin {
        #[command(flatten)]
        db: DbArgs,
        /// Login name (lowercase letters, digits, '.', '_'; 3–64 characters).
        #[arg(long)]
        username: String,
        /// Full name shown in the SPA and the audit trail (default: the username).
        #[arg(long)]
        full_name: Option<String>,
        /// Code of the facility the admin belongs to. An empty database gets this
        /// facility (a regional health centre, to complete in the SPA; default TTYT);
        /// without it the admin joins the first facility.
        #[arg(long)]
        facility_code: Option<String>,
        /// Name of the facility created in an empty database.
        #[arg(long, default_value = "Trung tâm Y tế")]
        facility_name: String,
        /// Province of the facility created in an empty database.
        #[arg(long, default_value = "Chưa cập nhật")]
        province: String,
    },
    /// Apply pending migrations and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Back up the SQLite database while the server runs (SQLite's online backup API).
    /// For PostgreSQL use pg_dump (README, "Backing up").
    Backup {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file to create (must not exist).
        #[arg(long)]
        to: PathBuf,
    },
    /// Restore a backup made by `tuyen backup` into the SQLite database. Stop the
    /// server first.
    Restore {
        #[command(flatten)]
        db: DbArgs,
        /// The backup file.
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        replace: bool,
    },
    /// Print the OpenAPI document (what `openapi/openapi.json` must hold).
    Openapi,
    /// Add synthetic referrals to the demo network, for load tests.
    SeedReferrals {
        #[command(flatten)]
        db: DbArgs,
        /// How many referrals to add.
        #[arg(long, default_value_t = 100_000)]
        count: usize,
        /// Random seed (the same seed gives the same referrals).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Rotation tools.
    Rotation {
        #[command(subcommand)]
        command: RotationCommand,
    },
}

#[derive(Subcommand)]
enum RotationCommand {
    /// Solve a benchmark instance (the format of the rotation benchmark) with the
    /// generator's solver and write the solution.
    Solve {
        /// Instance file (JSON).
        instance: PathBuf,
        /// Where to write the solution (JSON).
        #[arg(short, long)]
        output: PathBuf,
        /// Random seed (the same seed gives the same solution).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Search threads (results do not depend on the machine's load).
        #[arg(long, default_value_t = 2)]
        threads: usize,
    },
}

/// The SQLite file a backup command works on; PostgreSQL has its own tools.
fn sqlite_path(db: &DbArgs) -> anyhow::Result<PathBuf> {
    match DbUrl::parse(&db.url()) {
        DbUrl::Sqlite(path) => Ok(PathBuf::from(path)),
        DbUrl::Postgres(_) => anyhow::bail!(
            "tuyen backup/restore là cho SQLite; với PostgreSQL dùng pg_dump / pg_restore (README)"
        ),
    }
}

/// A new password from the terminal (asked twice), or the first line of standard input
/// when that is not a terminal (scripts, tests). Checked with the shared rule.
fn read_new_password() -> anyhow::Result<String> {
    use std::io::IsTerminal;
    let password = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Mật khẩu mới: ")?;
        let again = rpassword::prompt_password("Nhập lại mật khẩu: ")?;
        anyhow::ensure!(first == again, "Hai lần nhập mật khẩu không khớp");
        first
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_string()
    };
    if let Err(error) = shared::validation::password_strength(&password) {
        anyhow::bail!("{}", shared::validation::message(&error, shared::Lang::Vi));
    }
    Ok(password)
}

fn init_tracing() {
    tuyen::request_log::init(
        std::env::var("TUYEN_LOG_FORMAT").as_deref() == Ok("json"),
        std::io::stdout,
    );
}

#[actix_web::main]
async fn main() -> anyhow::Result<()> {
    tuyen::config::keep_created_files_private();
    let cli = Cli::parse();
    let command = cli.command.unwrap_or_else(|| {
        // Plain `tuyen` serves with the defaults.
        match Cli::parse_from(["tuyen", "serve"]).command {
            Some(command) => command,
            None => Command::Openapi,
        }
    });
    match command {
        Command::Openapi => {
            print!("{}", spec_json()?);
        }
        Command::Migrate { db } => {
            init_tracing();
            let url = db.url();
            Db::connect(&url)?;
            println!(
                "Đã cập nhật cơ sở dữ liệu: {}",
                DbUrl::parse(&url).redacted()
            );
        }
        Command::Backup { db, to } => {
            let database = sqlite_path(&db)?;
            let copied = tuyen::backup::backup(&database, &to)?;
            println!(
                "Đã sao lưu {} → {}: {} trang, {} byte, {} phiếu chuyển, {:.1} s",
                database.display(),
                to.display(),
                copied.pages,
                copied.bytes,
                copied.referrals,
                copied.elapsed.as_secs_f64()
            );
        }
        Command::Restore { db, from, replace } => {
            init_tracing();
            let database = sqlite_path(&db)?;
            let copied = tuyen::backup::restore(&from, &database, replace)?;
            // A backup from an older version is brought up to this one's schema.
            Db::connect(&db.url())?;
            println!(
                "Đã khôi phục {} → {}: {} trang, {} phiếu chuyển, {:.1} s",
                from.display(),
                database.display(),
                copied.pages,
                copied.referrals,
                copied.elapsed.as_secs_f64()
            );
        }
        Command::SeedReferrals { db, count, seed } => {
            init_tracing();
            let database = Db::connect(&db.url())?;
            tuyen::demo::load_if_empty(&database)?;
            let started = std::time::Instant::now();
            let added = tuyen::referrals::demo::load_synthetic(&database, count, seed)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            database
                .refresh_statistics()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "Đã thêm {added} phiếu chuyển trong {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Rotation {
            command:
                RotationCommand::Solve {
                    instance,
                    output,
                    seed,
                    threads,
                },
        } => {
            let started = std::time::Instant::now();
            let text = std::fs::read_to_string(&instance)
                .map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
            let (solution, score) = shared::rotation::bench::solve_instance(&text, seed, threads)
                .map_err(|e| anyhow::anyhow!("{}: {e}", instance.display()))?;
            std::fs::write(&output, solution)
                .map_err(|e| anyhow::anyhow!("{}: {e}", output.display()))?;
            eprintln!(
                "objective {} (unfilled {}, load² {}, stint starts {}) in {:.2} s",
                score.objective,
                score.unfilled,
                score.load_sq,
                score.stint_starts,
                started.elapsed().as_secs_f64()
            );
        }
        Command::CreateAdmin {
            db,
            username,
            full_name,
            facility_code,
            facility_name,
            province,
        } => {
            init_tracing();
            let database = Db::connect(&db.url())?;
            let password = read_new_password()?;
            let facility = tuyen::auth::setup::Facility {
                code: facility_code,
                name: facility_name,
                province,
            };
            let (user, facility) = tuyen::auth::setup::create_admin(
                &database,
                &username,
                full_name.as_deref().unwrap_or(&username),
                &password,
                &facility,
            )?;
            println!(
                "Đã tạo quản trị viên {} (cơ sở: {}). Đăng nhập trên trang web bằng mật khẩu vừa nhập.",
                user.username, facility
            );
        }
        Command::Serve {
            bind,
            db,
            static_dir,
            demo,
            no_demo,
            trusted_proxies,
            signin_per_address_per_minute,
            signin_per_second,
        } => {
            init_tracing();
            let settings = Settings {
                bind,
                database_url: db.url(),
                jwt_secret: jwt_secret(std::env::var("TUYEN_JWT_SECRET").ok(), &db.data_dir)?,
                data_dir: db.data_dir.clone(),
                static_dir: static_dir.exists().then_some(static_dir.clone()),
                load_demo: demo,
                access_ttl_secs: 15 * 60,
                refresh_ttl_secs: 30 * 24 * 3600,
                generator: tuyen::config::GeneratorSettings::from_env()?,
                trusted_proxies,
                signin_per_address_per_minute,
                signin_per_second,
                // From the environment only: a flag would show in `ps`.
                metrics_token: std::env::var("TUYEN_METRICS_TOKEN")
                    .ok()
                    .filter(|token| !token.is_empty()),
            };
            if settings.static_dir.is_none() {
                tracing::warn!(dir = %static_dir.display(), "SPA folder missing; serving the API only (run `make spa`)");
            }
            if no_demo {
                tracing::warn!("--no-demo is deprecated: the demo is loaded only with --demo");
            }
            let database = DbUrl::parse(&settings.database_url).redacted();
            let app = Application::build(settings)?;
            let setup = app
                .state()
                .db
                .conn()
                .and_then(|mut conn| tuyen::auth::setup::status(&mut conn))
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let url = format!("http://{}:{}", bind.ip(), app.port());
            println!("Tuyến đang chạy tại {url}  (API: {url}/api/v1, tài liệu API: {url}/docs/)");
            println!("Cơ sở dữ liệu: {database}");
            if setup.demo {
                println!(
                    "ĐÂY LÀ DỮ LIỆU DEMO (bệnh nhân hư cấu, mật khẩu công khai) — không dùng cho cơ sở thật."
                );
                println!("Tài khoản demo (mật khẩu: {}):", tuyen::demo::DEMO_PASSWORD);
                for (username, role, facility) in tuyen::demo::demo_logins() {
                    println!("  {username:<14} {role:<28} {facility}");
                }
            }
            if setup.needs_admin {
                println!("Chưa có tài khoản quản trị. Tạo tài khoản đầu tiên trên máy chủ này:");
                println!(
                    "  {}   (cùng --data-dir / DATABASE_URL; mật khẩu nhập khi được hỏi)",
                    shared::auth::CREATE_ADMIN_COMMAND
                );
                println!(
                    "  (muốn xem thử với dữ liệu demo: tuyen serve --demo trên một cơ sở dữ liệu trống)"
                );
            }
            app.run().await?;
        }
    }
    Ok(())
}
