using TrainMonitor.Shells;

namespace TrainMonitor.EnergyBudget;

/// <summary>Where a node falls on a profile: its position in the profile's shells, or −1 below the null floor.</summary>
internal static class ShellSlot
{
    /// <summary>
    /// Position of <paramref name="theta"/> in <paramref name="profile"/>'s shells, by the rule the profile bins with
    /// (a node below the floor or at or below 0 is null energy), or −1 when it is null.
    /// </summary>
    public static int Of(ShellProfile profile, double theta)
    {
        if (ShellProfile.IsNull(theta, profile.NullEnergy.Floor) || profile.Shells.Count == 0)
        {
            return -1;
        }

        return profile.Grid.IndexOf(theta) - profile.Shells[0].Index;
    }
}
