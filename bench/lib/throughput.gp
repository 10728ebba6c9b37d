# gnuplot -e "datafile='…'; outfile='…'" throughput.gp : NetDisk download throughput by concurrency
set terminal pngcairo size 800,480 noenhanced
set output outfile
set title "netdiskd: 1 GiB downloads on loopback, all transfers together"
set xlabel "concurrent transfers"
set ylabel "MB/s (10^6 B/s)"
set logscale x 2
set xtics (1, 8, 64, 512)
set xrange [0.8:640]
set grid
set key bottom left
set yrange [0:*]
plot datafile using 1:2 with linespoints lw 2 title "--send-mode buffered", \
     datafile using 1:3 with linespoints lw 2 title "--send-mode sendfile"
