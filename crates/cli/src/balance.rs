//! `imagegen balance PROVIDER`: the account's balance, where the provider
//! documents a balance endpoint.

use clap::{Arg, ArgMatches, Command};

use crate::failure::Failure;

pub fn command() -> Command {
    Command::new("balance")
        .about(
            "Print the account's balance (providers that document a balance endpoint: wavespeed)",
        )
        .arg(
            Arg::new("provider")
                .value_name("PROVIDER")
                .required(true)
                .help("The provider, e.g. wavespeed"),
        )
        .args(crate::catalog::reach_flags())
}

pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let name = matches
        .get_one::<String>("provider")
        .map(String::as_str)
        .unwrap_or_default();
    let provider = crate::catalog::provider(name)?;
    if provider.balance.is_none() {
        return Err(Failure::usage(format!(
            "{} documents no balance endpoint",
            provider.info.display_name
        )));
    }
    let connection = crate::connect::connect(provider, matches).await?;
    let balance = connection.client.balance().await;
    connection.close().await;
    let balance = balance.map_err(|error| Failure::from_error(&error, |_| None))?;
    println!("{}: {balance}", provider.info.display_name);
    Ok(())
}
