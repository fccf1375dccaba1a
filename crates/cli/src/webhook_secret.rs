//! `imagegen webhook-secret PROVIDER`: how to get the secret that signs a
//! provider's webhook deliveries, or (`--fetch`) the secret itself as a
//! line for a shell or an env file. The API key is never printed.

use clap::{Arg, ArgAction, ArgMatches, Command};
use imagegen::ProviderEntry;

use crate::failure::Failure;

pub fn command() -> Command {
    Command::new("webhook-secret")
        .about("Show how to fetch a provider's webhook signing secret, or fetch it as PROVIDER_WEBHOOK_SECRET=… (--fetch)")
        .arg(crate::catalog::provider_arg("A provider that documents webhooks (wavespeed)"))
        .arg(
            Arg::new("fetch")
                .long("fetch")
                .action(ArgAction::SetTrue)
                .help("Fetch it with the key from the provider's variable and print `<PROVIDER>_WEBHOOK_SECRET=<secret>`"),
        )
        .args(crate::catalog::reach_flags())
}

pub async fn run(matches: &ArgMatches) -> Result<(), Failure> {
    let provider = crate::catalog::chosen_provider(matches)?;
    let webhook = provider.webhook.ok_or_else(|| {
        Failure::usage(format!(
            "{} documents no webhooks, so it has no webhook secret",
            provider.info.display_name
        ))
    })?;
    let variable = secret_variable(provider);
    if !matches.get_flag("fetch") {
        println!(
            "{display} signs each webhook delivery with the account's secret, read from {method} {base}{path} with the API key:\n\n  \
             curl -H \"{header}: {scheme}${key_var}\" {base}{path}\n\n\
             or: imagegen webhook-secret {name} --fetch   (prints {variable}=<secret>)",
            display = provider.info.display_name,
            name = provider.info.name,
            method = webhook.secret.method.as_str(),
            base = provider.info.base_url,
            path = webhook.secret.path,
            header = provider.info.auth.header,
            scheme = provider
                .info
                .auth
                .scheme
                .map_or(String::new(), |scheme| format!("{scheme} ")),
            key_var = provider.info.auth.env_var,
        );
        return Ok(());
    }
    let connection = crate::connect::connect(provider, matches).await?;
    let secret = connection.client.webhook_secret().await;
    connection.close().await;
    let secret = secret.map_err(|error| Failure::from_error(&error, |_| None))?;
    println!("{variable}={secret}");
    Ok(())
}

/// `WAVESPEED_WEBHOOK_SECRET`: the variable this secret is printed for.
fn secret_variable(provider: &ProviderEntry) -> String {
    format!("{}_WEBHOOK_SECRET", provider.info.name.to_ascii_uppercase())
}
