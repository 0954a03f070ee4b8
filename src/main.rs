use clap::Parser;

// Scripts allocate many small strings on one thread and free them on the database driver's
// thread; mimalloc handles that pattern far better than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = ormsh::cli::Args::parse();
    // One session, one connection: a single-threaded runtime does all the async work, without
    // the cost of handing every streamed row from one worker thread to another.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build();
    let code = match runtime {
        Ok(runtime) => runtime.block_on(ormsh::cli::run(args)),
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            2
        }
    };
    std::process::exit(code);
}
