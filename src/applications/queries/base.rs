//! The type of the list's query, shared by the modules that build it.

use crate::db::schema::applications;
use crate::db::DbConn;

pub(crate) type Backend = <DbConn as diesel::Connection>::Backend;
pub(crate) type Query<'a> = applications::BoxedQuery<'a, Backend>;
