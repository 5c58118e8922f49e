namespace GraphConformance;
public class Smoke { [Xunit.Fact] public void Ok() { } }
