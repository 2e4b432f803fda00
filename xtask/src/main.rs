//! Project tasks beyond cargo: `samples`, `bench`, `corpus`.
fn main() -> anyhow::Result<()> {
    anyhow::bail!("usage: cargo xtask samples|bench|corpus")
}
