//! Label binding: a label binds to the real id the first time it is
//! compared; afterwards it must match that id, and no two labels share one.

use std::collections::HashMap;

#[derive(Default)]
pub struct Labels {
    by_label: HashMap<String, String>,
    by_value: HashMap<String, String>,
}

impl Labels {
    pub fn check(&mut self, what: &str, label: &str, actual: &str) -> Result<(), String> {
        match (self.by_label.get(label), self.by_value.get(actual)) {
            (Some(bound), _) if bound == actual => Ok(()),
            (Some(bound), _) => Err(format!("{what}: expected {label} ({bound}), got {actual}")),
            (None, Some(other)) => Err(format!(
                "{what}: expected a new id for {label}, got {actual}, which is {other}"
            )),
            (None, None) => {
                self.bind(label, actual);
                Ok(())
            }
        }
    }

    /// Binds `label` to an id chosen in advance (an id the scenario passes in).
    pub fn given(&mut self, label: &str, id: &str) {
        self.bind(label, id);
    }

    fn bind(&mut self, label: &str, value: &str) {
        self.by_label.insert(label.to_owned(), value.to_owned());
        self.by_value.insert(value.to_owned(), label.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binds_once_and_keeps_labels_distinct() {
        let mut labels = Labels::default();
        assert!(labels.check("session", "S1", "a").is_ok());
        assert!(labels.check("session", "S1", "a").is_ok());
        assert!(labels.check("session", "S1", "b").is_err());
        assert!(labels.check("session", "S2", "a").is_err());
        assert!(labels.check("session", "S2", "b").is_ok());
    }
}
