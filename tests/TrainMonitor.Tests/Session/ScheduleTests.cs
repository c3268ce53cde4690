using TrainMonitor.Scheduling;

namespace TrainMonitor.Tests.Session;

public sealed class ScheduleTests
{
    /// <summary>Feeds the steps to the schedule as the monitor does (last probe step advances when due) and returns the due steps.</summary>
    private static long[] DueSteps(IProbeSchedule schedule, IEnumerable<long> steps)
    {
        long? last = null;
        var due = new List<long>();
        foreach (var step in steps)
        {
            if (schedule.IsDue(step, new ScheduleContext(last, 0, 0, null)))
            {
                due.Add(step);
                last = step;
            }
        }

        return [.. due];
    }

    private static IEnumerable<long> Range(long from, long to)
    {
        for (var s = from; s <= to; s++)
        {
            yield return s;
        }
    }

    [Fact]
    public void EveryNStepsIsDueAtTheMultiples()
    {
        Assert.Equal([5, 10, 15, 20, 25], DueSteps(new EveryNSteps(5), Range(0, 27)));
        Assert.Equal(Range(1, 6).ToArray(), DueSteps(new EveryNSteps(1), Range(-3, 6)));
    }

    [Fact]
    public void EveryNStepsCatchesUpOnceAfterSkippedSteps()
    {
        // 5 is passed at 7, 10 at 13, 15 and 20 together at 21 (one probe), 25 at 25.
        Assert.Equal([7, 13, 21, 25], DueSteps(new EveryNSteps(5), [3, 7, 13, 14, 21, 22, 25]));
    }

    [Fact]
    public void LogSpacedIsDueAtPowersOfTheFactor()
    {
        Assert.Equal([1, 2, 4, 8, 16, 32], DueSteps(new LogSpacedSchedule(), Range(0, 63)));
        Assert.Equal([3, 6, 12, 24, 48], DueSteps(new LogSpacedSchedule(firstStep: 3, factor: 2), Range(1, 95)));
        Assert.Equal([10, 100, 1000], DueSteps(new LogSpacedSchedule(firstStep: 10, factor: 10), Range(1, 9999)));
        // Non-integer points are taken at the first step at or after them: 1, 1.5, 2.25, 3.375, 5.06, 7.59, 11.4, 17.1.
        Assert.Equal([1, 2, 3, 4, 6, 8, 12, 18], DueSteps(new LogSpacedSchedule(1, 1.5), Range(1, 20)));
    }

    [Fact]
    public void LogSpacedTakesAPassedPointAtTheFirstStepAfterIt()
    {
        // Points 1, 2, 4, 8, 16, 32: 2 is passed at 3, 4 and 8 together at 9, 16 at 17, 32 at 40.
        Assert.Equal([1, 3, 9, 17, 40], DueSteps(new LogSpacedSchedule(), [1, 3, 9, 10, 15, 17, 31, 40, 41]));
    }

    [Fact]
    public void LogSpacedNextPointIsExactFarOut()
    {
        var schedule = new LogSpacedSchedule();
        Assert.Equal(Math.Pow(2, 41), schedule.NextPointAfter((1L << 41) - 1));
        Assert.Equal(Math.Pow(2, 42), schedule.NextPointAfter(1L << 41));
        Assert.Equal(1, schedule.NextPointAfter(null));
        Assert.Equal(1000, new LogSpacedSchedule(10, 10).NextPointAfter(100));
    }

    [Fact]
    public void BudgetPostponesUntilTrainingTimeCoversTheExpectedProbe()
    {
        var schedule = new OverheadBudgetSchedule(new EveryNSteps(1), 0.05);
        // No cost estimate yet: the first probe is never postponed.
        Assert.True(schedule.IsDue(1, new ScheduleContext(null, 0.001, 0, null)));
        // 1 s probed so far, the next costs 1 s: needs 2 / 0.05 = 40 s of training.
        Assert.False(schedule.IsDue(2, new ScheduleContext(1, 39.9, 1, 1)));
        Assert.True(schedule.IsDue(2, new ScheduleContext(1, 40, 1, 1)));
        // Not due in the inner schedule: the budget does not create probes.
        Assert.False(new OverheadBudgetSchedule(new EveryNSteps(10), 0.05).IsDue(5, new ScheduleContext(null, 1000, 0, null)));
    }

    [Fact]
    public void BudgetedScheduleKeepsTheOverheadAndNeverStarves()
    {
        // Fake clock: every step trains for 1 s, every probe takes 3 s; budget 10 %, inner schedule every step.
        var schedule = new OverheadBudgetSchedule(new EveryNSteps(1), 0.10);
        long? last = null;
        double training = 0, probing = 0;
        double? lastDuration = null;
        var probes = new List<long>();
        for (long step = 1; step <= 3000; step++)
        {
            training += 1;
            if (schedule.IsDue(step, new ScheduleContext(last, training, probing, lastDuration)))
            {
                probes.Add(step);
                last = step;
                probing += 3;
                lastDuration = 3;
                Assert.True(probing <= 0.10 * training + 3, $"overhead {probing / training:P} after step {step}");
            }
        }

        // 3000 s of training allow 300 s of probes, i.e. 100 probes of 3 s; the first is free of the budget check.
        Assert.InRange(probes.Count, 99, 101);
        Assert.InRange(probing / training, 0.09, 0.1001);
        // After probe k the next waits exactly until 30(k+1) s of training: steps 1, 60, 90, …, 3000.
        var gaps = probes.Zip(probes.Skip(1), (a, b) => b - a).ToArray();
        Assert.Equal(59, gaps[0]);
        Assert.All(gaps.Skip(1), gap => Assert.InRange(gap, 29, 31));
    }

    [Fact]
    public void BudgetPostponesALogSpacedPointWithoutDroppingIt()
    {
        var schedule = new OverheadBudgetSchedule(new LogSpacedSchedule(), 0.5);
        // Probed at step 4 (cost 10 s); point 8 is due from step 8 but the budget allows it only once training reaches 40 s.
        Assert.False(schedule.IsDue(8, new ScheduleContext(4, 20, 10, 10)));
        Assert.False(schedule.IsDue(12, new ScheduleContext(4, 39, 10, 10)));
        Assert.True(schedule.IsDue(13, new ScheduleContext(4, 40, 10, 10)));
    }

    [Fact]
    public void AHorizonLetsEarlyProbesSpendTheBudgetOfARunThatLong()
    {
        // 10 steps of 0.1 s each (1 s of training), 1 s probed, the next costs 1 s. Over the training so far the budget of
        // 5 % is 0.05 s: postponed. Over a horizon of 1000 steps (100 s at 0.1 s a step) it is 5 s: due.
        var context = new ScheduleContext(1, 1, 1, 1) { TrainingSteps = 10 };
        Assert.Equal(0.1, context.MeanStepSeconds!.Value, 12);
        Assert.False(new OverheadBudgetSchedule(new EveryNSteps(1), 0.05).IsDue(11, context));
        var horizon = new OverheadBudgetSchedule(new EveryNSteps(1), 0.05) { HorizonSteps = 1000 };
        Assert.Equal(100, horizon.BudgetedSeconds(context), 9);
        Assert.True(horizon.IsDue(11, context));
        // Past the horizon the training so far is the longer measure: 2000 steps of 0.1 s give 200 s, not 100 s.
        Assert.Equal(200, horizon.BudgetedSeconds(new ScheduleContext(1, 200, 1, 1) { TrainingSteps = 2000 }), 9);
        // Without a timed step there is no mean step, and the horizon has nothing to scale.
        Assert.Equal(0, horizon.BudgetedSeconds(new ScheduleContext(null, 0, 0, null)));
    }

    [Fact]
    public void TheExpectedProbeCostIsTheLargerOfTheLastAndTheMean()
    {
        Assert.Null(new ScheduleContext(null, 10, 0, null).ExpectedProbeSeconds);
        // Three probes of 6 s in all, the last 1 s: the mean, 2 s, is expected (a cheap last probe does not open the budget).
        Assert.Equal(2, new ScheduleContext(3, 100, 6, 1) { ProbesTimed = 3 }.ExpectedProbeSeconds);
        Assert.Equal(4, new ScheduleContext(3, 100, 6, 4) { ProbesTimed = 3 }.ExpectedProbeSeconds);
        Assert.Equal(1, new ScheduleContext(3, 100, 6, 1).ExpectedProbeSeconds); // count unknown: the last
        // 75 s of training at 10 % allow 7.5 s, less than 6 s probed + 2 s expected; 80 s allow 8: due.
        var budget = new OverheadBudgetSchedule(new EveryNSteps(1), 0.10);
        Assert.True(budget.IsDue(4, new ScheduleContext(3, 80, 6, 1) { ProbesTimed = 3 }));
        Assert.False(budget.IsDue(4, new ScheduleContext(3, 75, 6, 1) { ProbesTimed = 3 }));
    }

    [Fact]
    public void AReservedProbeIsKeptBackFromTheSchedule()
    {
        // 40 s of training at 5 % allow 2 s: 1 s probed plus the next at 1 s fits, plus one more kept back does not.
        var context = new ScheduleContext(1, 40, 1, 1);
        Assert.True(new OverheadBudgetSchedule(new EveryNSteps(1), 0.05).IsDue(2, context));
        Assert.False(new OverheadBudgetSchedule(new EveryNSteps(1), 0.05) { ReservedProbes = 1 }.IsDue(2, context));
        Assert.True(new OverheadBudgetSchedule(new EveryNSteps(1), 0.05) { ReservedProbes = 1 }.IsDue(2, context with { TrainingSeconds = 60 }));
    }

    [Fact]
    public void BuiltScheduleCarriesTheHorizonAndKeepsRoomForTheFinalProbe()
    {
        var built = Assert.IsType<OverheadBudgetSchedule>(new ScheduleOptions().Build());
        Assert.Equal((1000L, 1, 0.05), (built.HorizonSteps, built.ReservedProbes, built.Fraction));
        var noFinal = Assert.IsType<OverheadBudgetSchedule>(new ScheduleOptions { FinalProbe = false, BudgetHorizonSteps = 0 }.Build());
        Assert.Equal((0L, 0), (noFinal.HorizonSteps, noFinal.ReservedProbes));
        var bad = Assert.Throws<ArgumentOutOfRangeException>(() => new ScheduleOptions { BudgetHorizonSteps = -1 }.Validate());
        Assert.Equal("Schedule.BudgetHorizonSteps", bad.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1)) { HorizonSteps = -1 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1)) { ReservedProbes = -1 });
    }

    [Fact]
    public void ParametersAreValidatedByName()
    {
        Assert.Equal("interval", Assert.Throws<ArgumentOutOfRangeException>(() => new EveryNSteps(0)).ParamName);
        Assert.Equal("firstStep", Assert.Throws<ArgumentOutOfRangeException>(() => new LogSpacedSchedule(0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new LogSpacedSchedule(1, 1.0)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new LogSpacedSchedule(1, double.NaN)).ParamName);
        Assert.Equal("factor", Assert.Throws<ArgumentOutOfRangeException>(() => new LogSpacedSchedule(1, double.PositiveInfinity)).ParamName);
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1), 0)).ParamName);
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1), double.NaN)).ParamName);
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1), 1)).ParamName);
        Assert.Equal("fraction", Assert.Throws<ArgumentOutOfRangeException>(() => new OverheadBudgetSchedule(new EveryNSteps(1), 7)).ParamName);
        Assert.Equal("inner", Assert.Throws<ArgumentNullException>(() => new OverheadBudgetSchedule(null!, 0.1)).ParamName);
        Assert.Contains("greater than 1", Assert.Throws<ArgumentOutOfRangeException>(() => new LogSpacedSchedule(1, 0.5)).Message);
    }

    [Fact]
    public void OptionsBuildTheDefaultLogSpacedScheduleWithinTheBudget()
    {
        var built = Assert.IsType<OverheadBudgetSchedule>(new ScheduleOptions().Build());
        Assert.Equal(0.05, built.Fraction);
        var inner = Assert.IsType<LogSpacedSchedule>(built.Inner);
        Assert.Equal((1L, 2.0), (inner.FirstStep, inner.Factor));

        var every = new ScheduleOptions { Kind = ScheduleKind.EveryNSteps, ProbeInterval = 7, OverheadBudget = 0 }.Build();
        Assert.Equal(7, Assert.IsType<EveryNSteps>(every).Interval);
    }
}
