using ItsmWorkflows.Server.Catalog;
using Microsoft.EntityFrameworkCore;

namespace ItsmWorkflows.Server.Data;

/// <summary>The demo's services, SLA definitions, catalog items and a year-end change freeze. Added once; edits made later are kept.</summary>
internal static class DemoCatalog
{
    private static readonly string[] WaitingOnCustomer = ["Waiting on customer", "Awaiting vendor"];
    private static readonly string[] Manager = ["manager"];

    private static SlaTarget T(double responseHours, double resolutionHours) => new(TimeSpan.FromHours(responseHours), TimeSpan.FromHours(resolutionHours));

    public static async Task SeedAsync(ItsmDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Services.AnyAsync(cancellationToken)) return;
        db.SlaDefinitions.AddRange(
            new SlaDefinitionRecord
            {
                Id = "gold", Name = "Gold (24x7)", Calendar = "24x7",
                Targets = Json.Write(new Dictionary<string, SlaTarget> { ["1"] = T(0.25, 4), ["2"] = T(0.5, 8), ["3"] = T(1, 24), ["4"] = T(4, 72), ["5"] = T(8, 120) }),
                PauseStatuses = Json.Write(WaitingOnCustomer),
            },
            new SlaDefinitionRecord
            {
                Id = "standard", Name = "Standard (business hours)", Calendar = "business-hours",
                Targets = Json.Write(new Dictionary<string, SlaTarget> { ["1"] = T(0.5, 8), ["2"] = T(1, 16), ["3"] = T(4, 40), ["4"] = T(8, 80), ["5"] = T(16, 160) }),
                PauseStatuses = Json.Write(WaitingOnCustomer),
            });
        db.Services.AddRange(
            Service("email", "Email and calendar", "Mailboxes, calendars and shared mailboxes.", "erin", ["Service Desk", "Desktop Support"], "critical", "gold", 99.9m, 6.50m, "mailbox"),
            Service("network", "Network and VPN", "Office network, Wi-Fi and remote access.", "nina", ["Service Desk", "Network", "Network Engineering"], "high", "gold", 99.95m, 14m, "user"),
            Service("laptops", "End-user computing", "Laptops, desktops, peripherals and their software.", "dave", ["Service Desk", "Desktop Support"], "medium", "standard", 99m, 45m, "device"),
            Service("access", "Identity and access", "Accounts, groups and access to business applications.", "dave", ["Service Desk", "Identity & Access"], "medium", "standard", 99.5m, 3m, "user"),
            Service("crm", "Sales CRM", "The sales team's customer relationship management system.", "henry", ["Service Desk", "Desktop Support"], "high", "standard", 99.5m, 60m, "seat"));
        db.CatalogItems.AddRange(
            new CatalogItemRecord
            {
                Id = "new-laptop", Name = "New laptop", Category = "Hardware", ServiceId = "laptops", Price = 1200m, DeliveryTarget = TimeSpan.FromHours(40),
                Description = "A standard or performance laptop, imaged and ready to use, with your files moved over.",
                Form = FormValidator.Serialize([
                    new FormField("model", "Model", "choice", true, ["Standard 14\"", "Performance 16\"", "MacBook Air 13\""]),
                    new FormField("reason", "Why do you need it?", "textarea", true, MaxLength: 500),
                    new FormField("neededBy", "Needed by", "date", Min: 0),
                    new FormField("dockingStation", "Docking station as well", "boolean"),
                ]),
                ApprovalRequired = true, Approvers = Json.Write(Manager), ApprovalRule = "Any",
                FulfilmentGroup = "Desktop Support", WorkflowDefinitionId = "request-fulfilment",
                Tasks = Json.Write(new[] { new FulfilmentTask("Prepare and image the laptop", "Desktop Support"), new FulfilmentTask("Hand over the laptop and collect the old one", "Service Desk") }),
            },
            new CatalogItemRecord
            {
                Id = "software-access", Name = "Software access", Category = "Access", ServiceId = "access", Price = 25m, DeliveryTarget = TimeSpan.FromHours(16),
                Description = "Access to a business application; your manager approves.",
                Form = FormValidator.Serialize([
                    new FormField("application", "Application", "choice", true, ["Salesforce", "Adobe Acrobat Pro", "Tableau", "Jira"]),
                    new FormField("justification", "Business justification", "textarea", true, MaxLength: 500),
                ]),
                ApprovalRequired = true, Approvers = Json.Write(Manager), ApprovalRule = "Any",
                FulfilmentGroup = "Identity & Access", WorkflowDefinitionId = "request-fulfilment",
                Tasks = Json.Write(new[] { new FulfilmentTask("Grant application access", "Identity & Access") }),
            },
            new CatalogItemRecord
            {
                Id = "vpn-access", Name = "VPN access", Category = "Access", ServiceId = "network", Price = 0m, DeliveryTarget = TimeSpan.FromHours(8),
                Description = "Remote access to the office network. No approval needed.",
                Form = FormValidator.Serialize([
                    new FormField("reason", "What will you use it for?", "text", true, MaxLength: 200),
                    new FormField("until", "Needed until", "date", Help: "Leave empty for permanent access."),
                ]),
                ApprovalRequired = false, FulfilmentGroup = "Network", WorkflowDefinitionId = "request-fulfilment",
                Tasks = Json.Write(new[] { new FulfilmentTask("Create the VPN profile", "Network") }),
            });
        db.BlackoutWindows.Add(new BlackoutWindowRecord
        {
            Id = "year-end-freeze", Name = "Year-end freeze",
            Start = new DateTimeOffset(2026, 12, 21, 0, 0, 0, TimeSpan.Zero), End = new DateTimeOffset(2027, 1, 4, 0, 0, 0, TimeSpan.Zero),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The demo's standard change catalog; added on its own (also to a demo database from before templates), once:
    /// templates edited or retired later are kept.
    /// </summary>
    public static async Task SeedChangeTemplatesAsync(ItsmDbContext db, CancellationToken cancellationToken)
    {
        if (await db.ChangeTemplates.AnyAsync(cancellationToken)) return;
        ChangeTemplateRecord Template(string id, string name, string description, string[] services, string? group, TimeSpan longest, string implementation, string backout, string test) => new()
        {
            Id = id, Name = name, Description = description, Services = Json.Write(services), AssignmentGroup = group, MaxDuration = longest,
            ImplementationPlan = implementation, BackoutPlan = backout, TestPlan = test, UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "demo", Revision = 1,
        };
        db.ChangeTemplates.AddRange(
            Template("network-firmware", "Network device firmware update (vendor-approved release)",
                "A switch, router or access point moved to a firmware release the vendor recommends and the lab has run for two weeks. Not for major versions or the core switches' stack: raise those as normal changes.",
                ["network"], "Network Engineering", TimeSpan.FromHours(4),
                "1. Save the running configuration. 2. Upload the release and check its hash. 3. Reboot the device into it. 4. Check the device's neighbours and uplinks.",
                "Boot the previous release from the device's second image slot and restore the saved configuration.",
                "Clients reconnect; monitoring shows the device and its links up for 15 minutes."),
            Template("wifi-key-rotation", "Rotate the Wi-Fi pre-shared key",
                "The guest or office Wi-Fi's shared key changed on schedule or after it leaked. Announce the new key to the office first.",
                ["network"], "Network", TimeSpan.FromHours(1),
                "Set the new key from the vault on the wireless controller and push it to every access point group.",
                "Set the previous key (kept in the vault) back on the controller.",
                "A test laptop joins with the new key on each floor."),
            Template("mail-certificate-renewal", "Renew the mail relays' TLS certificates",
                "The relays' certificates replaced by renewed ones from the usual authority, before they expire.",
                ["email"], "Desktop Support", TimeSpan.FromHours(2),
                "Install the renewed certificate on each relay in turn and reload the mail service.",
                "Reinstall the previous certificate (still valid until it expires) and reload.",
                "Send mail to and from an outside address; check the relays' certificate dates."),
            Template("laptop-image-update", "Monthly laptop image update",
                "The month's tested operating system and application updates added to the laptop image.",
                ["laptops"], "Desktop Support", TimeSpan.FromHours(8),
                "Publish the tested image to the deployment server and open it to the pilot ring, then to everyone.",
                "Withdraw the image; laptops keep the previous one.",
                "The pilot ring's laptops start, sign in and open mail and the CRM."));
        await db.SaveChangesAsync(cancellationToken);
    }

    private static ServiceRecord Service(string id, string name, string description, string owner, string[] tiers, string criticality, string sla, decimal availability, decimal cost, string unit) => new()
    {
        Id = id, Name = name, Description = description, Owner = owner, SupportGroup = tiers[0], Tiers = Json.Write(tiers), Criticality = criticality,
        SlaDefinitionId = sla, Calendar = sla == "gold" ? "24x7" : "business-hours", AvailabilityTarget = availability, CostPerUnitMonth = cost, Unit = unit,
    };
}
