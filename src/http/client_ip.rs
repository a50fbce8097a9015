//! The client's address behind trusted proxies: `X-Forwarded-For` is believed only when the
//! socket peer is a configured proxy (`SIGNBOARD_TRUSTED_PROXIES`), and then only up to the
//! right-most entry that is not itself a trusted proxy; anything a client could write further
//! left is ignored.

use std::net::{IpAddr, SocketAddr};

/// A network, `10.0.0.0/8` or `::1/128` (a bare address is a network of one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let bad = || format!("{text:?} is not a network such as 10.0.0.0/8 or fd00::/8");
        let (addr, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (text, None),
        };
        let net: IpAddr = addr.parse().map_err(|_| bad())?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Cidr { net, prefix })
    }

    /// A comma-separated list; empty text is no network.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Cidr::parse)
            .collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed (none by default).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<Cidr>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client of a request from `peer` carrying the `X-Forwarded-For` entries `forwarded`
    /// (all headers' entries in order, left to right).
    pub fn client(&self, peer: IpAddr, forwarded: &[&str]) -> IpAddr {
        let mut client = peer.to_canonical();
        for entry in forwarded.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match parse_entry(entry) {
                Some(ip) => client = ip,
                // Garbage from a client: the last hop we trust is all we know.
                None => break,
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: an address, perhaps with a port (`1.2.3.4:5678`, `[::1]:80`).
fn parse_entry(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|s| s.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_contain() {
        let net = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(
            net.contains(ip("::ffff:10.1.0.9")),
            "IPv4-mapped peers count"
        );
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.1")));
        assert!(!Cidr::parse("127.0.0.1").unwrap().contains(ip("127.0.0.2")));
        for bad in ["10.0.0.0/33", "proxy", "10.0.0.0/x", "::/129"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Cidr::parse_list(" ").unwrap(), vec![]);
        assert_eq!(Cidr::parse_list("10.0.0.0/8, ::1").unwrap().len(), 2);
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let none = TrustedProxies::default();
        assert_eq!(none.client(ip("1.2.3.4"), &["9.9.9.9"]), ip("1.2.3.4"));
        let lb = TrustedProxies(Cidr::parse_list("10.0.0.0/8").unwrap());
        // From an untrusted peer the header is ignored.
        assert_eq!(lb.client(ip("1.2.3.4"), &["9.9.9.9"]), ip("1.2.3.4"));
        // The right-most entry that is not a proxy; what the client wrote left of it is not.
        assert_eq!(
            lb.client(ip("10.0.0.2"), &["6.6.6.6", "5.5.5.5", "10.0.0.7"]),
            ip("5.5.5.5")
        );
        assert_eq!(lb.client(ip("10.0.0.2"), &["5.5.5.5:443"]), ip("5.5.5.5"));
        assert_eq!(lb.client(ip("10.0.0.2"), &["junk"]), ip("10.0.0.2"));
        assert_eq!(lb.client(ip("10.0.0.2"), &[]), ip("10.0.0.2"));
    }
}
