//! `imagegen balance PROVIDER`: the account's balance, where the provider
//! documents a balance endpoint.

use clap::{ArgMatches, Command};

use crate::failure::Failure;

pub fn command() -> Command {
    Command::new("balance")
        .about(
            "Print the account's balance (providers that document a balance endpoint: wavespeed)",
        )
        .arg(crate::catalog::provider_arg("The provider, e.g. wavespeed"))
        .args(crate::catalog::reach_flags())
}

pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let provider = crate::catalog::chosen_provider(matches)?;
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
