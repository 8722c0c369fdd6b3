using System.Globalization;
using Bunit;
using ConsentDashboard.Components.Sketch;
using Microsoft.Extensions.DependencyInjection;

namespace ConsentDashboard.Tests.Components.Sketch;

public sealed class AreaSketchTests
{
    private const double Latitude = 37.7749;
    private const double Longitude = -122.4194;

    private static (double X, double Y, string Anchor, double FontSize) LabelOf(IRenderedComponent<AreaSketch> sketch)
    {
        var text = sketch.Find("[data-testid=sketch-label]");
        double Read(string name) => double.Parse(text.GetAttribute(name)!, CultureInfo.InvariantCulture);
        return (Read("x"), Read("y"), text.GetAttribute("text-anchor")!, Read("font-size"));
    }

    private static IRenderedComponent<AreaSketch> Render(BunitContext context, double eastMeters, double northMeters) =>
        context.Render<AreaSketch>(parameters => parameters
            .Add(s => s.CenterLatitude, Latitude)
            .Add(s => s.CenterLongitude, Longitude)
            .Add(s => s.RadiusMeters, 200)
            .Add(s => s.Points, [new SketchPoint("Front porch", Latitude + northMeters / 111_320, Longitude + eastMeters / (111_320 * Math.Cos(Latitude * Math.PI / 180)))]));

    [Fact]
    public async Task ALabelThatWouldRunAcrossTheCentreDot_SitsAboveOrBelowItsCameraInstead()
    {
        await using var context = new BunitContext();
        context.Services.AddLocalization();

        // 15 m west of the centre and a little north: a label reading rightwards would cross the centre dot.
        var label = LabelOf(Render(context, eastMeters: -15, northMeters: 3));

        Assert.Equal("middle", label.Anchor);
        Assert.True(label.Y < -label.FontSize * 0.5, $"The label (y {label.Y}) still sits on the centre's line.");
    }

    [Fact]
    public async Task ALabelFarFromTheCentre_StaysBesideItsCamera()
    {
        await using var context = new BunitContext();
        context.Services.AddLocalization();

        var west = LabelOf(Render(context, eastMeters: -150, northMeters: 120));
        var east = LabelOf(Render(context, eastMeters: 150, northMeters: -120));

        Assert.Equal("start", west.Anchor);
        Assert.Equal("end", east.Anchor);
    }
}
