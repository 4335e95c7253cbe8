//! Errors in the user's words, translated by variant: what went wrong and what to do next.
//! Never an English message behind a Chinese prefix; a server's rejection is named by its
//! code.

use crate::offline::session::SignInError;
use crate::ui::i18n::{I18n, Key};

/// Why signing in did not work, and what to do.
pub fn sign_in_text(i18n: I18n, err: &SignInError) -> String {
    match err {
        SignInError::NoStore | SignInError::Store(_) => i18n.t(Key::StoreFailed).to_string(),
        SignInError::NeedsNetwork => i18n.t(Key::LoginNeedsNetwork).to_string(),
        SignInError::OtherUserUnsent => i18n.t(Key::LoginOtherUser).to_string(),
        SignInError::WrongPassword => i18n.t(Key::LoginWrongPassword).to_string(),
        SignInError::TooManyAttempts => i18n.t(Key::LoginThrottled).to_string(),
        SignInError::Refused { code } => format!("{}{code}", i18n.t(Key::LoginServerRefused)),
    }
}
