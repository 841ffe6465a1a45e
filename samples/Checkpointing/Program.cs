using SymGrad.Samples.Checkpointing;

double[] x = new double[16];
for (int i = 0; i < x.Length; i++) x[i] = System.Math.Sin(i);
double[] dx = new double[16];
double da = 0;
System.Console.WriteLine(Loops.RecurrenceCheckpointedGradient(x, 0.7, dx, ref da));
System.Console.WriteLine(da);
