// Command mnistdir prints the folder that holds the MNIST files (for
// scripts that copy them).
package main

import (
	"fmt"
	"log"

	"github.com/vkgrad/vkgrad/datasets/mnist"
)

func main() {
	dir, err := mnist.DefaultDir()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dir)
}
