//! What each site generator does with a post, as data: how it reads front-matter dates, which
//! fields it computes itself, how it names and routes files.
//!
//! A post converted for Hexo, Hugo or Jekyll must show, once that generator builds it, what the
//! original showed. Each generator has its own rules for this, found by reading its source and
//! checked by building real sites (see the README's date table and `scripts/yaml-readers`):
//! - [`reserved`]: front-matter fields the generator overwrites, so a rule must not write them;
//! - [`names`]: Jekyll's `YYYY-MM-DD-` file names, Hugo's URLs, Hexo's hidden `_` names;
//! - dates are written per generator by [`crate::dates::for_target`].

pub mod names;
pub mod reserved;

/// The site generator the posts are for: it decides date format, template escaping, reserved
/// fields and file names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Target {
    Hexo,
    Hugo,
    Jekyll,
    #[default]
    Plain,
}

impl Target {
    /// The generator's name, as users know it.
    pub fn name(self) -> &'static str {
        match self {
            Target::Hexo => "Hexo",
            Target::Hugo => "Hugo",
            Target::Jekyll => "Jekyll",
            Target::Plain => "plain",
        }
    }
}
