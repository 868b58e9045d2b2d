//! The engine's error type. The exported layer maps it 1:1 onto the public
//! `SessionCoreError`, so every binding sees the same kinds.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A configuration value is unusable; `field` names it as the API spells it.
    InvalidConfig { field: String, message: String },
    /// A call argument is unusable; `argument` names it as the API spells it.
    InvalidArgument { argument: String, message: String },
    /// SQLite could not read or write the state; nothing committed was lost.
    Storage { message: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub fn invalid_config(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidConfig {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn invalid_argument(argument: &str, message: impl Into<String>) -> Self {
        Error::InvalidArgument {
            argument: argument.to_owned(),
            message: message.into(),
        }
    }

    pub fn storage(message: impl Into<String>) -> Self {
        Error::Storage {
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidConfig { field, message } => write!(f, "invalid config `{field}`: {message}"),
            Error::InvalidArgument { argument, message } => {
                write!(f, "invalid argument `{argument}`: {message}")
            }
            Error::Storage { message } => write!(f, "storage error: {message}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::storage(e.to_string())
    }
}
