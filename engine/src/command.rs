//! The command language the candidate types, shared by the REPL, journals and reference
//! solutions: one table of commands (from which help and completion are generated) and a parser.

use std::fmt;

use scenarios::{Dur, Metric};

/// What to look at.
#[derive(Clone, Debug, PartialEq)]
pub enum Query {
    Status,
    Top,
    Alerts,
    Describe {
        target: String,
    },
    Metrics {
        target: String,
        metric: Metric,
        last: Dur,
    },
    Logs {
        target: String,
        last: Dur,
    },
    Ping {
        from: String,
        to: String,
    },
    /// Money spent so far and the run rate, by service.
    Cost,
    /// Autoscaling groups: size, limits, policy, last CPU.
    Groups,
    /// DNS records and where clients are being sent.
    Dns,
    /// A replica's copy of its primary's data: how far along, what a promotion would lose.
    Verify {
        host: String,
    },
    Traceroute {
        from: String,
        to: String,
    },
    /// Route tables: one router's, or every router's static routes.
    Routes {
        node: Option<String>,
    },
    /// Links with their state and load: all, or those of one node.
    Links {
        node: Option<String>,
    },
    /// `backup list [TARGET]`: the backup catalogue, locations, schedules and restores.
    Backups {
        target: Option<String>,
    },
    /// `firewall list [TARGET]`
    Firewall {
        target: Option<String>,
    },
    /// `cert show [TARGET]`
    Certs {
        target: Option<String>,
    },
    /// `hv list`: every hypervisor.
    HvList,
    /// `hv show HV`: one hypervisor and its VMs.
    HvShow {
        hypervisor: String,
    },
    Capacity,
}

/// What to change.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Restart {
        host: String,
    },
    Reboot {
        host: String,
    },
    Kill {
        host: String,
        process: String,
    },
    /// `zone`: where new instances go; the first instance's zone if not given.
    Scale {
        service: String,
        count: u32,
        zone: Option<String>,
    },
    Drain {
        host: String,
    },
    Undrain {
        host: String,
    },
    Rollback {
        service: String,
    },
    ExtendVolume {
        host: String,
        gb: f64,
    },
    Failover {
        service: String,
    },
    GroupSet {
        group: String,
        min: Option<u32>,
        max: Option<u32>,
    },
    GroupPolicy {
        group: String,
        target_cpu: Option<f64>,
        cooldown: Option<Dur>,
        warmup: Option<Dur>,
    },
    DnsSet {
        name: String,
        target: String,
        ttl: Option<Dur>,
    },
    Provision {
        host: String,
    },
    Replicate {
        host: String,
    },
    Promote {
        host: String,
    },
    Order {
        host_type: String,
        count: u32,
        service: String,
    },
    Reserve {
        host_type: String,
        count: u32,
    },
    Decommission {
        host: String,
    },
    RouteAdd {
        node: String,
        dest: String,
        via: String,
        metric: u32,
    },
    RouteDel {
        node: String,
        dest: String,
    },
    /// `link up` (`up: true`) or `link down`.
    LinkSet {
        a: String,
        b: String,
        up: bool,
    },
    /// Limit a bulk transfer to `gbps`.
    Throttle {
        host: String,
        process: String,
        gbps: f64,
    },
    BackupCreate {
        target: String,
        location: Option<String>,
    },
    BackupVerify {
        id: String,
    },
    BackupSchedule {
        target: String,
        every: Dur,
        location: String,
    },
    Restore {
        target: String,
        backup: String,
    },
    /// `replica add <database> in <zone>`: one more streaming replica, in that zone.
    ReplicaAdd {
        service: String,
        zone: String,
    },
    ReplicaPromote {
        host: String,
    },
    /// `firewall allow|deny SRC PORT on TARGET`
    FirewallRule {
        allow: bool,
        from: String,
        port: u16,
        on: String,
    },
    /// `firewall remove N`
    FirewallRemove {
        number: usize,
    },
    /// `cert renew TARGET`
    CertRenew {
        target: String,
    },
    /// `patch SERVICE VERSION [--batch N]`
    Patch {
        service: String,
        version: String,
        batch: u32,
    },
    Migrate {
        host: String,
        hypervisor: String,
    },
    Maintenance {
        hypervisor: String,
        on: bool,
    },
    Shutdown {
        host: String,
    },
    /// `auto-failover <service> on|off`: a database promotes its most caught-up replica by
    /// itself when its primary is lost (managed high availability).
    AutoFailover {
        service: String,
        on: bool,
    },
}

/// One parsed command line.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Look(Query),
    Act(Action),
    Wait(Dur),
    Note(String),
    Hint,
    Resolve,
    /// A design scenario's end: the design is handed in and the trial runs against it.
    Submit,
    /// Add or delete an alert rule.
    Alert(crate::monitoring::AlertEdit),
    /// `escalate TEAM "<message>"`
    Escalate {
        team: String,
        text: String,
    },
}

/// What kind of thing an argument names, for completion and help.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arg {
    Host,
    Service,
    Target,
    Metric,
    Process,
    Duration,
    Count,
    Size,
    Text,
    /// `alert`'s subcommand and rule.
    Alert,
    /// One of a fixed set of words (a subcommand or a setting's name).
    Word(&'static [&'static str]),
    /// An autoscaling group's name.
    Group,
    /// A DNS record's name.
    Record,
    /// A zone, switch, router or host: a place on the network.
    Node,
    /// A bandwidth, e.g. `2g` or `500m` (bits per second).
    Rate,
    /// A backup's id.
    Backup,
    /// A backup location.
    Location,
    /// One of a fixed set of words (a subcommand, `on`).
    /// A firewall source: `any`, `internet`, a zone, a site or a host.
    Source,
    Port,
    Version,
    Team,
    Hypervisor,
    HostType,
}

/// One command of the table.
#[derive(Clone, Copy, Debug)]
pub struct CommandSpec {
    pub name: &'static str,
    pub args: &'static [Arg],
    pub usage: &'static str,
    pub summary: &'static str,
    /// A longer explanation for `help <command>`.
    pub detail: &'static str,
}

const LAST_DEFAULT: Dur = Dur(30 * 60_000);

/// Every simulation command, in the order `help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "status",
        args: &[],
        usage: "status",
        summary: "the service as users see it, and each tier",
        detail: "Shows time, request rate, success rate, p99 latency against the SLO, error budget burned so far, each service's instances and health, and how many alerts are firing.",
    },
    CommandSpec {
        name: "top",
        args: &[],
        usage: "top",
        summary: "every host: state, CPU, memory, disk, traffic, errors",
        detail: "One line per host, busiest CPU first.",
    },
    CommandSpec {
        name: "alerts",
        args: &[],
        usage: "alerts",
        summary: "alert rules and which are firing",
        detail: "Lists each configured rule, its threshold, and whether it is firing, pending or OK.",
    },
    CommandSpec {
        name: "describe",
        args: &[Arg::Target],
        usage: "describe <host|service|zone>",
        summary: "details of a host, service or zone",
        detail: "For a host: hardware, state, processes, disk, memory, its service instance. For a service: version, instances, calls, pool. For a zone: its hosts and links. For a switch or router: its links with their load, and its route table.",
    },
    CommandSpec {
        name: "metrics",
        args: &[Arg::Target, Arg::Metric],
        usage: "metrics <host|service> <metric> [--last 30m]",
        summary: "a metric's history as a sparkline",
        detail: "Metrics: cpu, memory, disk, rps, errors, p99, connections. --last takes a duration (default 30m); recent history is kept at 10 s resolution, older history in 5 min and 1 h buckets.",
    },
    CommandSpec {
        name: "logs",
        args: &[Arg::Target],
        usage: "logs <host|service> [--last 30m]",
        summary: "recent log lines of a host or service",
        detail: "Shows log lines from the host (or every host of the service) over the last --last duration (default 30m).",
    },
    CommandSpec {
        name: "ping",
        args: &[Arg::Node, Arg::Node],
        usage: "ping <host|zone|node> <host|zone|node>",
        summary: "reachability, round trip and loss between two places",
        detail: "Follows the network path both ways between two hosts, zones, switches or routers and reports the route, round-trip time and packet loss, or where the packets stop. Loss and extra delay on a path often mean a congested link: `traceroute` and `link show` find it.",
    },
    CommandSpec {
        name: "restart",
        args: &[Arg::Host],
        usage: "restart <host>",
        summary: "restart the service process on a host",
        detail: "The instance stops serving until it has started again (the service's start time). Restarting the only serving instance of a service takes the service down meanwhile.",
    },
    CommandSpec {
        name: "reboot",
        args: &[Arg::Host],
        usage: "reboot <host>",
        summary: "power-cycle a host",
        detail: "The host is down for its boot time, then its service starts. The way to bring back a crashed host.",
    },
    CommandSpec {
        name: "kill",
        args: &[Arg::Host, Arg::Process],
        usage: "kill <host> <process>",
        summary: "kill a process on a host",
        detail: "Ends a process shown by `describe <host>`. Killing a runaway process stops what it was doing; killing the service's own process stops the service (it stays stopped until restarted).",
    },
    CommandSpec {
        name: "scale",
        args: &[Arg::Service, Arg::Count],
        usage: "scale <service> <count> [in <zone>]",
        summary: "add or remove instances of a service",
        detail: "New instances need a host provisioned (the service's provisioning time) and then start; `in <zone>` places them in that zone (spreading a tier over zones), otherwise they join the first instance's zone. A database's new instances are replicas. Removing instances takes capacity away at once.",
    },
    CommandSpec {
        name: "drain",
        args: &[Arg::Host],
        usage: "drain <host>",
        summary: "take a host out of its load balancer's pool",
        detail: "The load balancer stops sending it new requests. `undrain` puts it back.",
    },
    CommandSpec {
        name: "undrain",
        args: &[Arg::Host],
        usage: "undrain <host>",
        summary: "put a drained host back in its pool",
        detail: "The host rejoins its load balancer's pool once it passes health checks.",
    },
    CommandSpec {
        name: "rollback",
        args: &[Arg::Service],
        usage: "rollback <service>",
        summary: "roll a service back to its previous version",
        detail: "Instances restart into the previous version one at a time, each out of service for the start time.",
    },
    CommandSpec {
        name: "extend-volume",
        args: &[Arg::Host, Arg::Size],
        usage: "extend-volume <host> +<GB>G",
        summary: "grow a host's data volume",
        detail: "Adds space online; the volume and filesystem are resized about a minute later.",
    },
    CommandSpec {
        name: "failover",
        args: &[Arg::Service],
        usage: "failover <database>",
        summary: "promote a database replica to primary",
        detail: "Promotion takes about 30 s. Replication is asynchronous: writes the replica had not yet received are lost.",
    },
    CommandSpec {
        name: "cost",
        args: &[],
        usage: "cost",
        summary: "money spent so far and the run rate, by service",
        detail: "Dollars spent on hosts since the scenario began, what the estate costs an hour and a month (730 h) at the current rate, and both by service, largest first, against the budget if there is one. A host costs its hourly price from launch (or delivery) until it is decommissioned.",
    },
    CommandSpec {
        name: "asg",
        args: &[
            Arg::Word(&["show", "set", "policy"]),
            Arg::Group,
            Arg::Word(&["min", "max", "target-cpu", "cooldown", "warmup"]),
            Arg::Count,
            Arg::Word(&["min", "max", "target-cpu", "cooldown", "warmup"]),
            Arg::Count,
        ],
        usage: "asg show|set|policy [<group> ...]",
        summary: "autoscaling groups: show them, resize, retune",
        detail: "`asg show` lists each group: instances, min and max, target CPU, last CPU, cooldown and warm-up.
`asg set <group> min <n> max <n>` changes the limits (either or both); the group launches or terminates at once to fit them.
`asg policy <group> target-cpu <percent> [cooldown <dur>] [warmup <dur>]` retunes the policy (any of the three). Once a minute the group sizes itself to ceil(instances x CPU / target); new instances launch in the instance type's launch time, then start the service, and their CPU is left out of the average until warmed up.",
    },
    CommandSpec {
        name: "dns",
        args: &[
            Arg::Word(&["show", "set"]),
            Arg::Record,
            Arg::Service,
            Arg::Word(&["ttl"]),
            Arg::Duration,
        ],
        usage: "dns show|set [<name> <target> [ttl <dur>]]",
        summary: "DNS records: show them, point one elsewhere",
        detail: "`dns show` lists each record, its target and TTL, and the share of clients still sent to an old target.
`dns set <name> <service> [ttl <dur>]` points a record at a service (a load balancer, usually) and optionally sets its TTL. Resolvers keep cached answers until they expire, so clients move over gradually, all within one TTL, and a cut TTL only applies once the answers cached with the old one have expired.",
    },
    CommandSpec {
        name: "provision",
        args: &[Arg::Host],
        usage: "provision <host>",
        summary: "launch a planned cloud host, or order on-prem hardware",
        detail: "A cloud host is up after its instance type's launch time (about 1-2 min), then starts its service. On-prem hardware takes weeks to arrive. A host costs money from the moment it is provisioned.",
    },
    CommandSpec {
        name: "replicate",
        args: &[Arg::Host],
        usage: "replicate <host>",
        summary: "start copying a database's data to a new replica",
        detail: "The replica copies the primary's data at its copy rate, then replays the writes made meanwhile until it has caught up. `verify <host>` shows how far it is.",
    },
    CommandSpec {
        name: "verify",
        args: &[Arg::Host],
        usage: "verify <host>",
        summary: "check a replica's data against its primary",
        detail: "Compares a replica with its primary: copy progress, writes still to replay, the time to catch up, and how many writes promoting it now would lose.",
    },
    CommandSpec {
        name: "promote",
        args: &[Arg::Host],
        usage: "promote <host>",
        summary: "switch a database over to a replica (planned)",
        detail: "The primary stops taking writes and the replica becomes primary about 30 s later. Writes the replica has not received yet are lost, so verify first. Callers in other sites then cross the network to reach it.",
    },
    CommandSpec {
        name: "decommission",
        args: &[Arg::Host],
        usage: "decommission <host>",
        summary: "power a host off for good and stop paying for it",
        detail: "The host leaves its service at once and costs nothing from then on. Clients still sent to it (by a cached DNS answer, say) fail.",
    },
    CommandSpec {
        name: "wait",
        args: &[Arg::Duration],
        usage: "wait <duration>",
        summary: "let simulated time pass (e.g. wait 5m)",
        detail: "Alerts and completed operations are shown as they happen. Ctrl-C does not interrupt the simulation: a wait always completes.",
    },
    CommandSpec {
        name: "note",
        args: &[Arg::Text],
        usage: "note \"<status update>\"",
        summary: "post a status update to stakeholders",
        detail: "Updates are graded for cadence and for naming the root cause.",
    },
    CommandSpec {
        name: "hint",
        args: &[],
        usage: "hint",
        summary: "get the next hint (practice mode; costs points)",
        detail: "Each hint lowers the total score by its cost.",
    },
    CommandSpec {
        name: "resolve",
        args: &[],
        usage: "resolve",
        summary: "declare the incident resolved and get your scorecard",
        detail: "The rest of the scenario's time then plays out without you, so an unfixed cause still counts against you.",
    },
    CommandSpec {
        name: "submit",
        args: &[],
        usage: "submit",
        summary: "hand in your design: the trial runs it through peak traffic and every fault",
        detail: "Design scenarios only. Your estate as it stands is built afresh for every run of the trial, left to provision and start, then run through the scenario's traffic with one fault in each run (host, zone, link, disk or region loss, a surge), each fault several times with different seeds. The scorecard shows, fault by fault, whether the design stayed within its SLO, RTO and RPO and what broke first, and what it costs a month against the budget.",
    },
    CommandSpec {
        name: "auto-failover",
        args: &[Arg::Service, Arg::Word(&["on", "off"])],
        usage: "auto-failover <database> on|off",
        summary: "let a database promote a replica by itself when its primary is lost",
        detail: "Managed high availability (Patroni, RDS Multi-AZ): about 60 s after the primary stops serving, the most caught-up serving replica is promoted and takes the writes. Writes not yet replicated are lost, as with `failover`. It needs a replica, ideally in another zone.",
    },
    CommandSpec {
        name: "alert",
        args: &[Arg::Alert],
        usage: "alert add \"<rule>\" on <target> | list | del <name>",
        summary: "write, list or delete alert rules",
        detail: "alert add \"<metric> > <threshold> for <duration>\" on <host|service> [as NAME] adds a rule (`<` works too); the metric is one of cpu, memory, disk, rps, errors, p99, connections, or burn(<window>) for the SLO error-budget burn rate over a window (1 means the budget lasts exactly the SLO window; 14.4 over 1h spends 2% of a 30-day budget in that hour). Examples: alert add \"p99 > 300ms for 5m\" on lb; alert add \"burn(1h) > 14.4 for 2m\" on lb as FastBurn. The rule is evaluated like the scenario's own, pages when the condition has held for the duration, and is refused if it could never fire. Writing a rule takes about a minute. alert list (or `alerts`) shows every rule; alert del NAME removes one, the scenario's included.",
    },
    CommandSpec {
        name: "traceroute",
        args: &[Arg::Node, Arg::Node],
        usage: "traceroute <host|zone|node> <host|zone|node>",
        summary: "the path hop by hop, with each hop's round trip",
        detail: "Lists every zone, switch and router the packets cross, with the round-trip time to each. `* * *` means no reply: past a black hole (a discard route, or a router with no route onward), or a hop whose reply cannot get back. A routing loop shows the same routers again and again.",
    },
    CommandSpec {
        name: "route",
        args: &[
            Arg::Word(&["show", "add", "del"]),
            Arg::Node,
            Arg::Node,
            Arg::Word(&["via"]),
            Arg::Node,
            Arg::Word(&["metric"]),
            Arg::Count,
        ],
        usage: "route show|add|del <router> [...]",
        summary: "show, add or delete a router's static routes",
        detail: "Forms: `route show [<router>]`, `route add <router> <dest> via <next-hop> [metric N]`, `route del <router> <dest>`. `route show` lists every router's static routes, `route show <router>` its whole table: for each destination, the static route that wins (lowest metric among those whose next hop's link is up) or the shortest path. `route add` adds a static route; the next hop must be a neighbour joined by a link, or `null0` to discard. Static routes win over the shortest path, even when the path beyond the next hop is dead. `route del` removes the router's static routes to a destination, so the shortest path takes over.",
    },
    CommandSpec {
        name: "link",
        args: &[Arg::Word(&["show", "up", "down"]), Arg::Node, Arg::Node],
        usage: "link show|up|down [<a> <b>]",
        summary: "show links and their load; shut or restore a link",
        detail: "Forms: `link show [<node>]`, `link up <a> <b>`, `link down <a> <b>`. `link show` lists every link (or one node's): state, latency, loss, capacity, the load each way as a share of capacity, and the bulk flows crossing it. Above 100% the link queues and drops the excess. `link down` shuts a link (traffic reroutes if another path exists); `link up` restores a link shut by hand, not one that has failed.",
    },
    CommandSpec {
        name: "throttle",
        args: &[Arg::Host, Arg::Process, Arg::Rate],
        usage: "throttle <host> <process> <rate>",
        summary: "limit a bulk transfer's bandwidth (e.g. 2g, 500m)",
        detail: "Caps a bulk transfer (a backup, a replication sync) started by a process on a host, as `--bwlimit` or a traffic shaper would; `link show` lists them. Rates are bits per second: `2g` is 2 Gbit/s, `500m` 500 Mbit/s.",
    },
    CommandSpec {
        name: "backup",
        args: &[Arg::Word(crate::storage_command::BACKUP_VERBS)],
        usage: "backup <create|list|verify|schedule> ...",
        summary: "take, list, verify and schedule database backups",
        detail: crate::storage_command::BACKUP_DETAIL,
    },
    CommandSpec {
        name: "restore",
        args: &[Arg::Target, Arg::Word(&["from"]), Arg::Backup],
        usage: "restore <database|host> from <backup-id>",
        summary: "restore a database from a backup (it is down meanwhile)",
        detail: "Copies the backup back at its location's throughput (a same-site snapshot is fastest, another region slower, offsite tape slowest and must be recalled first): size / throughput. The database serves nothing until the copy is done and it has started. Its data returns to the backup's point in time: writes acknowledged since then are lost. A corrupt backup fails at the end of the copy and leaves the database as it was; `backup verify` first to know.",
    },
    CommandSpec {
        name: "replica",
        args: &[Arg::Word(&["promote", "add"]), Arg::Host],
        usage: "replica promote <host> | replica add <database> in <zone>",
        summary: "promote a named database replica to primary, or add a replica in a zone",
        detail: "Like `failover`, onto the replica you name (e.g. the one in the surviving region). Takes about 30 s. Replication is asynchronous: the writes the replica had not yet received (its lag, or everything since it was cut off) are lost. `replica add <database> in <zone>` provisions one more streaming replica in that zone, like `scale <database> <n+1> in <zone>`.",
    },
    CommandSpec {
        name: "firewall",
        args: &[
            Arg::Word(&["list", "allow", "deny", "remove"]),
            Arg::Source,
            Arg::Port,
            Arg::Word(&["on"]),
            Arg::Target,
        ],
        usage: "firewall <list|allow|deny|remove> ...",
        summary: "show or change the firewall rules on hosts' ports",
        detail: "Forms: `firewall list [host|service|zone]`, `firewall allow <source> <port> on <target>`, `firewall deny <source> <port> on <target>`, `firewall remove <n>`. `firewall list` numbers the rules and shows which ports the internet can reach; `firewall list <host|service|zone>` also shows callers a rule blocks. A source is `any` (everyone, the internet included), `internet` (everyone outside the estate), a zone, a site or a host; a target is a host, a service (all its hosts) or a zone. Deny wins: a connection is refused if any deny rule matches it. Inside the estate connections are allowed unless denied; from the internet only an allow rule lets one in. Blocking a port a service's own callers use makes their calls time out. `firewall remove <n>` deletes rule n.",
    },
    CommandSpec {
        name: "cert",
        args: &[Arg::Word(&["show", "renew"]), Arg::Target],
        usage: "cert <show|renew> [service]",
        summary: "TLS certificates: when each expires; renew one",
        detail: "Forms: `cert show [service]`, `cert renew <service|host>`. After a certificate expires every client's handshake fails, so every request to that service errors. `cert renew` orders a new certificate: the CA issues it (the scenario says how long that takes) and the service reloads it without dropping connections.",
    },
    CommandSpec {
        name: "patch",
        args: &[Arg::Service, Arg::Version],
        usage: "patch <service> <version> [--batch N]",
        summary: "upgrade a service to a published version, rolling",
        detail: "Restarts the instances into the new version N at a time (default 1), each batch out of its pool until it has started and passed its health checks. The instances left must carry the load meanwhile: with N of them and one out, (N-1)/N of the capacity remains. `--batch` larger than 1 is faster and removes more capacity; patching every instance at once is an outage.",
    },
    CommandSpec {
        name: "escalate",
        args: &[Arg::Team, Arg::Text],
        usage: "escalate <team> \"<message>\"",
        summary: "hand a finding to another team (e.g. escalate security \"...\")",
        detail: "Pages the team's on-call with your message. Say what you found, since when, what you did, and what you need from them; the rubric may expect it within a set time.",
    },
    CommandSpec {
        name: "hv",
        args: &[Arg::Word(&["list", "show"]), Arg::Hypervisor],
        usage: "hv list | hv show <hypervisor>",
        summary: "hypervisors: CPU demand and steal, memory committed, their VMs",
        detail: "`hv list` shows every hypervisor: state, VMs, vCPUs placed against its CPU overcommit, CPU its VMs want against its cores (over 100% means contention, and every busy VM on it loses the difference as CPU steal), and memory committed against its memory overcommit. `hv show <hypervisor>` adds each VM's vCPUs, memory, CPU demand and steal, migrations under way and the anti-affinity rules it is part of.",
    },
    CommandSpec {
        name: "migrate",
        args: &[Arg::Host, Arg::Word(&["to"]), Arg::Hypervisor],
        usage: "migrate <vm> to <hypervisor>",
        summary: "live-migrate a VM to another hypervisor",
        detail: "Copies the VM's memory over the migration network while it runs, again for the pages it dirtied meanwhile, then stuns it briefly to switch over: about memory / bandwidth x a dirty-page factor. Migrations leaving one hypervisor run one at a time. Refused if the target lacks room (memory and vCPUs within its overcommit). A powered-off VM is just registered on the target; `reboot` it to power it on.",
    },
    CommandSpec {
        name: "maintenance",
        args: &[Arg::Hypervisor, Arg::Word(&["on", "off"])],
        usage: "maintenance <hypervisor> on|off",
        summary: "evacuate a hypervisor into maintenance mode, or bring it back",
        detail: "`on` live-migrates every running VM away, largest first, each to the hypervisor with the most free memory that has room and keeps anti-affinity rules; it is refused, changing nothing, if some VM fits nowhere. The hypervisor is in maintenance once the last VM has left. `off` lets it take VMs again (they do not come back by themselves).",
    },
    CommandSpec {
        name: "shutdown",
        args: &[Arg::Host],
        usage: "shutdown <host>",
        summary: "shut a host or VM down (frees its room on the hypervisor)",
        detail: "The host stops and its service with it; a VM's memory and vCPUs are released on its hypervisor. `reboot <host>` powers it on again.",
    },
    CommandSpec {
        name: "capacity",
        args: &[],
        usage: "capacity",
        summary: "planned services' capacity, orders, reservations, spend",
        detail: "For each planned service: hosts serving and on order, capacity in req/s at full utilisation, demand and utilisation now, and the busiest it has been. Then the host types that can be ordered (lead time, price, hourly cost, reserved rate), orders in flight with their arrival, reservations in force, and money spent so far against the budget.",
    },
    CommandSpec {
        name: "order",
        args: &[Arg::HostType, Arg::Count, Arg::Word(&["for"]), Arg::Service],
        usage: "order <host-type> <count> for <service>",
        summary: "buy or launch hosts that join a service when they arrive",
        detail: "On-prem hardware is paid for when ordered and arrives after its lead time (weeks), then boots and joins the service. A cloud type launches within its lead time and is billed by the hour on demand, unless a reservation of that type covers it.",
    },
    CommandSpec {
        name: "reserve",
        args: &[Arg::HostType, Arg::Count],
        usage: "reserve <host-type> <count>",
        summary: "commit to reserved cloud capacity at a discount",
        detail: "Pays the type's reserved hourly rate for <count> hosts for its whole term, whether or not that many run. Running hosts of the type are billed against reservations first, the rest on demand.",
    },
];

/// Why a line is not a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub suggestion: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(s) = &self.suggestion {
            write!(f, " ({s})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

pub(crate) fn err(message: impl Into<String>) -> ParseError {
    ParseError {
        message: message.into(),
        suggestion: None,
    }
}

pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// Splits a line into words; double quotes group words.
pub fn words(line: &str) -> Result<Vec<String>, ParseError> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if quoted {
        return Err(err("unterminated quote: close it with \""));
    }
    if any {
        out.push(cur);
    }
    Ok(out)
}

/// Parses one command line.
pub fn parse(line: &str) -> Result<Command, ParseError> {
    let line = line.trim();
    let (head, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let name = head.to_ascii_lowercase();
    let Some(spec) = spec(&name) else {
        return Err(ParseError {
            message: format!("unknown command `{head}`; type `help` for the list"),
            suggestion: scenarios::suggest(&name, COMMANDS.iter().map(|c| c.name)),
        });
    };
    if name == "asg" || name == "dns" {
        return crate::cloud_command::parse(&name, &words(rest)?, spec);
    }
    if let Some(command) = crate::security_command::parse(&name, rest, spec)? {
        return Ok(command);
    }
    if name == "note" {
        let text = rest.trim().trim_matches('"').trim();
        if text.is_empty() {
            return Err(usage(spec));
        }
        return Ok(Command::Note(text.to_owned()));
    }
    let args = words(rest)?;
    if name == "alert" {
        return crate::monitoring::parse(&args);
    }
    let (positional, last) =
        split_last(&args).map_err(|m| err(format!("{m}; usage: {}", spec.usage)))?;
    if last.is_some() && !matches!(name.as_str(), "metrics" | "logs") {
        return Err(err(format!(
            "`--last` only goes with metrics and logs; usage: {}",
            spec.usage
        )));
    }
    if let Some(command) = crate::network_command::parse(&name, &positional, spec)? {
        return Ok(command);
    }
    // `scale <service> <count> in <zone>`: the one command with an optional trailing clause.
    let (positional, zone) = match positional.as_slice() {
        [service, count, word, zone] if name == "scale" && word.eq_ignore_ascii_case("in") => {
            (vec![service.clone(), count.clone()], Some(zone.clone()))
        }
        _ => (positional, None),
    };
    if let Some(command) = crate::storage_command::parse(&name, &positional) {
        return command;
    }
    if name == "hv" {
        return match positional.as_slice() {
            [sub] if sub.eq_ignore_ascii_case("list") => Ok(Command::Look(Query::HvList)),
            [sub, hv] if sub.eq_ignore_ascii_case("show") => Ok(Command::Look(Query::HvShow {
                hypervisor: hv.clone(),
            })),
            _ => Err(usage(spec)),
        };
    }
    if positional.len() != spec.args.len() {
        return Err(usage(spec));
    }
    let a = |i: usize| positional[i].clone();
    let last = last.unwrap_or(LAST_DEFAULT);
    Ok(match name.as_str() {
        "status" => Command::Look(Query::Status),
        "top" => Command::Look(Query::Top),
        "alerts" => Command::Look(Query::Alerts),
        "describe" => Command::Look(Query::Describe { target: a(0) }),
        "metrics" => {
            let metric = Metric::from_label(&positional[1]).ok_or_else(|| ParseError {
                message: format!(
                    "unknown metric `{}`; metrics are {}",
                    positional[1],
                    metric_names()
                ),
                suggestion: scenarios::suggest(
                    &positional[1],
                    Metric::ALL.iter().map(|m| m.label()),
                ),
            })?;
            Command::Look(Query::Metrics {
                target: a(0),
                metric,
                last,
            })
        }
        "logs" => Command::Look(Query::Logs { target: a(0), last }),
        "ping" => Command::Look(Query::Ping {
            from: a(0),
            to: a(1),
        }),
        "restart" => Command::Act(Action::Restart { host: a(0) }),
        "reboot" => Command::Act(Action::Reboot { host: a(0) }),
        "kill" => Command::Act(Action::Kill {
            host: a(0),
            process: a(1),
        }),
        "scale" => {
            let count = positional[1]
                .parse::<u32>()
                .ok()
                .filter(|n| *n <= 1_000)
                .ok_or_else(|| {
                    err(format!(
                        "`{}` is not an instance count from 0 to 1000",
                        positional[1]
                    ))
                })?;
            Command::Act(Action::Scale {
                service: a(0),
                count,
                zone,
            })
        }
        "drain" => Command::Act(Action::Drain { host: a(0) }),
        "undrain" => Command::Act(Action::Undrain { host: a(0) }),
        "rollback" => Command::Act(Action::Rollback { service: a(0) }),
        "extend-volume" => Command::Act(Action::ExtendVolume {
            host: a(0),
            gb: parse_size(&positional[1])?,
        }),
        "failover" => Command::Act(Action::Failover { service: a(0) }),
        "cost" => Command::Look(Query::Cost),
        "provision" => Command::Act(Action::Provision { host: a(0) }),
        "replicate" => Command::Act(Action::Replicate { host: a(0) }),
        "verify" => Command::Look(Query::Verify { host: a(0) }),
        "promote" => Command::Act(Action::Promote { host: a(0) }),
        "decommission" => Command::Act(Action::Decommission { host: a(0) }),
        "migrate" if positional[1].eq_ignore_ascii_case("to") => Command::Act(Action::Migrate {
            host: a(0),
            hypervisor: a(2),
        }),
        "maintenance" => {
            let on = match positional[1].to_ascii_lowercase().as_str() {
                "on" => true,
                "off" => false,
                _ => return Err(usage(spec)),
            };
            Command::Act(Action::Maintenance {
                hypervisor: a(0),
                on,
            })
        }
        "shutdown" => Command::Act(Action::Shutdown { host: a(0) }),
        "wait" => {
            let d = Dur::parse(&positional[0]).map_err(err)?;
            if d.ms() == 0 {
                return Err(err("wait needs a duration above zero, e.g. `wait 5m`"));
            }
            Command::Wait(d)
        }
        "hint" => Command::Hint,
        "resolve" => Command::Resolve,
        "submit" => Command::Submit,
        "auto-failover" => {
            let on = match positional[1].to_ascii_lowercase().as_str() {
                "on" => true,
                "off" => false,
                _ => return Err(usage(spec)),
            };
            Command::Act(Action::AutoFailover { service: a(0), on })
        }
        "capacity" => Command::Look(Query::Capacity),
        "order" => {
            if !positional[2].eq_ignore_ascii_case("for") {
                return Err(usage(spec));
            }
            Command::Act(Action::Order {
                host_type: a(0),
                count: host_count(&positional[1])?,
                service: a(3),
            })
        }
        "reserve" => Command::Act(Action::Reserve {
            host_type: a(0),
            count: host_count(&positional[1])?,
        }),
        _ => return Err(usage(spec)),
    })
}

/// "cpu, memory, disk, …": every metric's name, for messages.
pub(crate) fn metric_names() -> String {
    Metric::ALL
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn usage(spec: &CommandSpec) -> ParseError {
    err(format!("usage: {}", spec.usage))
}
/// A number of hosts to order or reserve: 1 to 1000.
fn host_count(text: &str) -> Result<u32, ParseError> {
    text.parse::<u32>()
        .ok()
        .filter(|n| (1..=1_000).contains(n))
        .ok_or_else(|| err(format!("`{text}` is not a number of hosts from 1 to 1000")))
}

fn split_last(args: &[String]) -> Result<(Vec<String>, Option<Dur>), String> {
    let mut positional = Vec::new();
    let mut last = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--last" {
            let v = it
                .next()
                .ok_or("`--last` needs a duration, e.g. --last 30m")?;
            last = Some(Dur::parse(v)?);
        } else if let Some(v) = a.strip_prefix("--last=") {
            last = Some(Dur::parse(v)?);
        } else if a.starts_with("--") {
            return Err(format!("unknown option `{a}`"));
        } else {
            positional.push(a.clone());
        }
    }
    if last.is_some_and(|d| d.ms() == 0) {
        return Err("`--last` needs a duration above zero".into());
    }
    Ok((positional, last))
}

/// `+100G`, `100G`, `100GB`, `1T`, `100` (GB) → gigabytes.
fn parse_size(text: &str) -> Result<f64, ParseError> {
    let t = text.trim_start_matches('+').to_ascii_uppercase();
    let t = t.trim_end_matches('B');
    let (num, scale) = match t.strip_suffix('T') {
        Some(n) => (n, 1_024.0),
        None => (t.strip_suffix('G').unwrap_or(t), 1.0),
    };
    num.parse::<f64>()
        .ok()
        .map(|n| n * scale)
        .filter(|gb| gb.is_finite() && *gb > 0.0)
        .ok_or_else(|| err(format!("`{text}` is not a size; write e.g. +100G or +1T")))
        .and_then(|gb| {
            // The largest cloud block volumes are 64 TiB (e.g. EBS io2 Block Express).
            if gb > 65_536.0 {
                Err(err(format!(
                    "`{text}` is more than a volume can grow by: at most +64T"
                )))
            } else {
                Ok(gb)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_reads_every_shape_of_command() {
        assert_eq!(parse("status"), Ok(Command::Look(Query::Status)));
        assert_eq!(
            parse("metrics db-1 disk --last 2h"),
            Ok(Command::Look(Query::Metrics {
                target: "db-1".into(),
                metric: Metric::Disk,
                last: Dur::from_mins(120)
            }))
        );
        assert_eq!(
            parse("extend-volume db-1 +100G"),
            Ok(Command::Act(Action::ExtendVolume {
                host: "db-1".into(),
                gb: 100.0
            }))
        );
        assert_eq!(
            parse("note \"disk full on db-1\""),
            Ok(Command::Note("disk full on db-1".into()))
        );
        assert_eq!(parse("  WAIT 5m "), Ok(Command::Wait(Dur::from_mins(5))));
    }

    #[test]
    fn parse_explains_mistakes() {
        let e = parse("restrat db-1").unwrap_err();
        assert_eq!(e.suggestion.as_deref(), Some("did you mean `restart`?"));
        assert_eq!(
            parse("restart").unwrap_err().message,
            "usage: restart <host>"
        );
        assert!(
            parse("wait 5")
                .unwrap_err()
                .message
                .contains("needs a unit")
        );
        assert!(
            parse("metrics db-1 dsk")
                .unwrap_err()
                .suggestion
                .unwrap()
                .contains("disk")
        );
        assert!(parse("scale app -1").is_err());
        assert!(parse("note \"unterminated").is_ok());
        assert!(
            parse("describe \"db-1")
                .unwrap_err()
                .message
                .contains("unterminated")
        );
    }

    #[test]
    fn parse_reads_capacity_commands() {
        assert_eq!(parse("capacity"), Ok(Command::Look(Query::Capacity)));
        assert_eq!(
            parse("order r6625 12 for app"),
            Ok(Command::Act(Action::Order {
                host_type: "r6625".into(),
                count: 12,
                service: "app".into()
            }))
        );
        assert_eq!(
            parse("reserve c7.4xl 11"),
            Ok(Command::Act(Action::Reserve {
                host_type: "c7.4xl".into(),
                count: 11
            }))
        );
        assert_eq!(
            parse("decommission app-3"),
            Ok(Command::Act(Action::Decommission {
                host: "app-3".into()
            }))
        );
        assert_eq!(
            parse("order r6625 12 to app").unwrap_err().message,
            "usage: order <host-type> <count> for <service>"
        );
        assert!(
            parse("order r6625 0 for app")
                .unwrap_err()
                .message
                .contains("from 1 to 1000")
        );
        assert_eq!(
            parse("wait 2w"),
            Ok(Command::Wait(Dur::from_mins(14 * 1_440)))
        );
    }
}
