//! A spending limit that concurrent submissions cannot overrun: each
//! submission reserves its cost before it is sent, a reservation that would
//! pass the limit is refused (nothing is sent), and reservations are settled
//! with the cost the provider reports once it answers.
//!
//! The budget is one atomic counter of money committed (spent plus
//! reserved), in billionths of the currency, moved only by compare-and-swap:
//! two submissions can never both take the same remaining money, at any
//! concurrency.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use imagegen_core::info::ModelInfo;
use imagegen_core::price::Amount;

use crate::cost::{Cost, Currency, Money};

/// The finest unit a budget counts in: 10^-9 of the currency.
const SCALE: u8 = 9;

/// A spending limit shared by every clone (give one to a client, to a
/// batch, or to both).
///
/// ```
/// use imagegen_runtime::budget::Budget;
/// use imagegen_runtime::cost::{Cost, Currency, Money};
/// use imagegen_runtime::price::Amount;
///
/// let dollars = |units, scale| Money::new(Amount::new(units, scale), Currency::USD);
/// let budget = Budget::new(dollars(5, 2)).unwrap(); // $0.05
/// let first = budget.reserve(dollars(3, 2)).unwrap();
/// assert!(budget.reserve(dollars(3, 2)).is_err(), "only $0.02 is left");
/// first.settle(Cost::Reported(dollars(1, 2))); // it cost $0.01
/// assert_eq!(budget.committed(), dollars(1, 2));
/// assert!(budget.reserve(dollars(3, 2)).is_ok());
/// ```
#[derive(Clone)]
pub struct Budget {
    inner: Arc<Inner>,
}

struct Inner {
    limit: Money,
    limit_units: u64,
    committed: AtomicU64,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("limit", &self.inner.limit)
            .field("committed", &self.committed())
            .finish()
    }
}

/// Why a budget cannot be made or a cost cannot be reserved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BudgetError {
    /// The limit is zero.
    #[error("a budget must be more than zero")]
    Zero,
    /// The amount has more than nine decimal places or does not fit.
    #[error("{0} is too large or too fine for a budget (at most nine decimal places)")]
    Unrepresentable(Money),
    /// The cost is in another currency than the budget.
    #[error("a cost of {cost} cannot be counted against a budget in {budget}")]
    Currency {
        /// The cost.
        cost: Money,
        /// The budget's currency.
        budget: Currency,
    },
    /// Reserving the cost would pass the limit.
    #[error("{cost} would pass the budget of {limit}: {remaining} is left")]
    Exceeded {
        /// What the submission would cost.
        cost: Money,
        /// The limit.
        limit: Money,
        /// What was left of it.
        remaining: Money,
    },
}

impl Budget {
    /// A budget of `limit`, none of it spent.
    pub fn new(limit: Money) -> Result<Budget, BudgetError> {
        Budget::with_spent(limit, Amount::ZERO)
    }

    /// A budget of `limit` of which `spent` is already gone (an earlier
    /// run's spending, from its records). `spent` may be more than `limit`:
    /// then nothing more can be reserved.
    pub fn with_spent(limit: Money, spent: Amount) -> Result<Budget, BudgetError> {
        if limit.amount.is_zero() {
            return Err(BudgetError::Zero);
        }
        let limit_units = units(limit)?;
        let spent_units = units(Money::new(spent, limit.currency))?;
        Ok(Budget {
            inner: Arc::new(Inner {
                limit,
                limit_units,
                committed: AtomicU64::new(spent_units),
            }),
        })
    }

    /// The limit.
    pub fn limit(&self) -> Money {
        self.inner.limit
    }

    /// Spent and reserved so far.
    pub fn committed(&self) -> Money {
        self.money(self.inner.committed.load(Ordering::Acquire))
    }

    /// What can still be reserved.
    pub fn remaining(&self) -> Money {
        let committed = self.inner.committed.load(Ordering::Acquire);
        self.money(self.inner.limit_units.saturating_sub(committed))
    }

    /// Reserves `cost` if it fits in what is left; the reservation is
    /// settled or released by its owner.
    pub fn reserve(&self, cost: Money) -> Result<Reservation, BudgetError> {
        let wanted = self.units_of(cost)?;
        let limit = self.inner.limit_units;
        self.inner
            .committed
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |committed| {
                committed
                    .checked_add(wanted)
                    .filter(|total| *total <= limit)
            })
            .map_err(|committed| BudgetError::Exceeded {
                cost,
                limit: self.inner.limit,
                remaining: self.money(limit.saturating_sub(committed)),
            })?;
        Ok(Reservation {
            budget: self.clone(),
            units: wanted,
        })
    }

    fn units_of(&self, cost: Money) -> Result<u64, BudgetError> {
        if cost.currency != self.inner.limit.currency {
            return Err(BudgetError::Currency {
                cost,
                budget: self.inner.limit.currency,
            });
        }
        units(cost)
    }

    fn money(&self, units: u64) -> Money {
        Money::new(Amount::new(units, SCALE), self.inner.limit.currency)
    }
}

fn units(money: Money) -> Result<u64, BudgetError> {
    money
        .amount
        .units_at(SCALE)
        .ok_or(BudgetError::Unrepresentable(money))
}

/// Money set aside for one submission. Settle it with the cost once the
/// provider has answered, or release it if the request was certainly never
/// sent. Dropped without either, it stays spent: a request that may have
/// been taken may have been paid for.
#[derive(Debug)]
#[must_use = "a reservation stays spent unless it is settled or released"]
pub struct Reservation {
    budget: Budget,
    units: u64,
}

impl Reservation {
    /// What was reserved.
    pub fn amount(&self) -> Money {
        self.budget.money(self.units)
    }

    /// The submission was answered: a reported cost replaces the
    /// reservation (even above it: the money is spent); any other cost
    /// keeps the reserved amount as spent.
    pub fn settle(self, cost: Cost) {
        let Cost::Reported(reported) = cost else {
            return;
        };
        // A report that cannot be counted (another currency) keeps the
        // reservation: never count less than may have been paid.
        let Ok(actual) = self.budget.units_of(reported) else {
            return;
        };
        let counter = &self.budget.inner.committed;
        let reserved = self.units;
        let _ = counter.fetch_update(Ordering::AcqRel, Ordering::Acquire, |committed| {
            Some(committed.saturating_sub(reserved).saturating_add(actual))
        });
    }

    /// The request was certainly never sent: the money is free again.
    pub fn release(self) {
        self.budget
            .inner
            .committed
            .fetch_sub(self.units, Ordering::AcqRel);
    }
}

/// A client's budget, and what it counts for a request of unknown cost.
#[derive(Debug, Clone)]
pub(crate) struct Spending {
    pub budget: Budget,
    pub unknown_cost_as: Option<Money>,
}

impl Spending {
    /// Reserves what a request to `model` is expected to cost (`expected`:
    /// its documented price, or unknown) before it is sent.
    pub(crate) fn reserve(
        &self,
        model: &'static ModelInfo,
        expected: Cost,
    ) -> Result<Reservation, crate::Error> {
        let cost = expected
            .money()
            .or(self.unknown_cost_as)
            .ok_or(crate::Error::UnknownCost { model: model.id })?;
        self.budget
            .reserve(cost)
            .map_err(|source| crate::Error::OverBudget { source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(units: u64, scale: u8) -> Money {
        Money::new(Amount::new(units, scale), Currency::USD)
    }

    #[test]
    fn reservations_never_pass_the_limit_and_release_gives_back() {
        let budget = Budget::new(usd(1, 1)).unwrap();
        let held: Vec<Reservation> = (0..4)
            .map(|_| budget.reserve(usd(25, 3)).unwrap())
            .collect();
        let refused = budget.reserve(usd(1, 9)).unwrap_err();
        assert_eq!(
            refused.to_string(),
            "$0.000000001 would pass the budget of $0.1: $0 is left"
        );
        for reservation in held {
            reservation.release();
        }
        assert_eq!(budget.committed(), usd(0, 0));
    }

    #[test]
    fn a_dropped_reservation_stays_spent_and_a_settled_one_counts_the_report() {
        let budget = Budget::new(usd(1, 0)).unwrap();
        drop(budget.reserve(usd(3, 1)).unwrap());
        assert_eq!(budget.committed(), usd(3, 1));
        budget
            .reserve(usd(3, 1))
            .unwrap()
            .settle(Cost::Reported(usd(5, 1)));
        assert_eq!(budget.committed(), usd(8, 1));
        budget.reserve(usd(1, 1)).unwrap().settle(Cost::Unknown);
        assert_eq!(budget.committed(), usd(9, 1));
        assert_eq!(budget.remaining(), usd(1, 1));
    }

    #[test]
    fn bad_budgets_and_costs_are_refused_by_name() {
        assert_eq!(Budget::new(usd(0, 0)).unwrap_err(), BudgetError::Zero);
        let euros = Money::new(Amount::new(1, 0), Currency::new("EUR").unwrap());
        let budget = Budget::with_spent(usd(2, 0), Amount::new(3, 0)).unwrap();
        assert!(matches!(
            budget.reserve(euros).unwrap_err(),
            BudgetError::Currency { .. }
        ));
        assert!(matches!(
            budget.reserve(usd(1, 9)).unwrap_err(),
            BudgetError::Exceeded { .. }
        ));
    }

    #[test]
    fn racing_threads_spend_exactly_the_limit() {
        let budget = Budget::new(usd(100, 2)).unwrap(); // $1.00, 100 cents
        let taken = std::sync::atomic::AtomicU64::new(0);
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        if let Ok(reservation) = budget.reserve(usd(1, 2)) {
                            taken.fetch_add(1, Ordering::Relaxed);
                            reservation.settle(Cost::Documented(usd(1, 2)));
                        }
                    }
                });
            }
        });
        assert_eq!(taken.load(Ordering::Relaxed), 100);
        assert_eq!(budget.committed(), usd(1, 0));
    }
}
