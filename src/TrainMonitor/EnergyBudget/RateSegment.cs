namespace TrainMonitor.EnergyBudget;

/// <summary>A run of consecutive optimiser steps taken at one learning rate.</summary>
/// <param name="LearningRate">The learning rate η of each step in the run.</param>
/// <param name="Steps">How many steps the run holds (at least 1).</param>
public readonly record struct RateSegment(double LearningRate, long Steps);
