use clap::Parser;

fn main() {
    let args = ormsh::cli::Args::parse();
    // Two worker threads are plenty for one connection, and start quickly.
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
    let code = match runtime {
        Ok(runtime) => runtime.block_on(ormsh::cli::run(args)),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            2
        }
    };
    std::process::exit(code);
}
