//! Closed enums kept as text columns: `text_column!` gives an enum with `parse` and `as_str`
//! its diesel `FromSql`/`ToSql`, so an unknown stored value is a read error, never a default.

/// A stored text that is not one of the closed set's names.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} {value:?} in the database")]
pub struct UnknownValue {
    what: &'static str,
    value: String,
}

impl UnknownValue {
    pub fn new(what: &'static str, value: String) -> UnknownValue {
        UnknownValue { what, value }
    }
}

/// Reads and writes a closed enum (with `parse(&str) -> Option<Self>` and `as_str`) as its
/// name in a `Text` column.
#[macro_export]
macro_rules! text_column {
    ($ty:ty, $what:literal) => {
        impl<DB: diesel::backend::Backend> diesel::deserialize::FromSql<diesel::sql_types::Text, DB>
            for $ty
        where
            String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                let s = String::from_sql(bytes)?;
                <$ty>::parse(&s)
                    .ok_or_else(|| $crate::db::text_enum::UnknownValue::new($what, s).into())
            }
        }

        impl<DB: diesel::backend::Backend> diesel::serialize::ToSql<diesel::sql_types::Text, DB>
            for $ty
        where
            str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, DB>,
            ) -> diesel::serialize::Result {
                self.as_str().to_sql(out)
            }
        }
    };
}
